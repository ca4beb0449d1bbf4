#!/bin/sh
# build.sh OUTDIR - build the reference firmware for a Cortex-M0+ with
# Debian's arm-none-eabi-gcc against the stub board in this folder, and
# print "flash: N bytes, ram: N bytes" (flash = text + data, ram = data +
# bss, from arm-none-eabi-size).
#
# Fails when: the image does not fit 48 KiB flash / 8 KiB RAM with room for
# the stack (m0.ld), anything references malloc/calloc/realloc/free/_sbrk
# (wrapped to undefined symbols), or any firmware object calls a soft-float
# helper (no floating point in board/fw).
set -eu

out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
CC=${ARM_CC:-arm-none-eabi-gcc}
NM=${ARM_NM:-arm-none-eabi-nm}
SIZE=${ARM_SIZE:-arm-none-eabi-size}
CPU="-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft"
CFLAGS="$CPU -Os -g -ffunction-sections -fdata-sections -std=c11 -ffreestanding
	-Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
	-Wno-unused-parameter -Wdouble-promotion -Wfloat-conversion
	-I$src/board/fw -I$src/proto -I$here"

mkdir -p "$out/obj"
objs=
for f in "$src"/proto/pp_frame.c "$src"/proto/pp_msg.c "$src"/board/fw/*.c "$here"/*.c; do
	o="$out/obj/$(basename "$f" .c).o"
	# shellcheck disable=SC2086
	$CC $CFLAGS -c "$f" -o "$o"
	objs="$objs $o"
done

# shellcheck disable=SC2086
if $NM -u $objs | grep -E '__aeabi_(f|d|c[fd]|[iu]l?2[fd]|ul2[fd])|__(add|sub|mul|div|float|fix|extend|trunc)[a-z]*[sd]f'; then
	echo "build.sh: floating point in the firmware (soft-float helpers above)" >&2
	exit 1
fi

# No heap: no object may even mention the allocator (the wrapped link below
# also fails if a reachable call survives --gc-sections).
# shellcheck disable=SC2086
if $NM -u $objs | grep -wE 'malloc|calloc|realloc|free|_sbrk|_malloc_r|_free_r'; then
	echo "build.sh: heap allocation referenced in the firmware" >&2
	exit 1
fi

# shellcheck disable=SC2086
$CC $CPU -Os -nostartfiles --specs=nano.specs -T "$here/m0.ld" \
	-Wl,--gc-sections -Wl,-Map="$out/fw-m0.map" \
	-Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=free -Wl,--wrap=_sbrk \
	$objs -o "$out/fw-m0.elf"

# shellcheck disable=SC2046
set -- $($SIZE -B "$out/fw-m0.elf" | awk 'NR == 2 { print $1, $2, $3 }')
echo "flash: $(($1 + $2)) bytes, ram: $(($2 + $3)) bytes"
