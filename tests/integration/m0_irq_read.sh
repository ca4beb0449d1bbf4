#!/bin/sh
# m0_irq_read.sh ELF FUNC VAR - check in the Cortex-M0+ image that FUNC reads
# VAR (a 64-bit variable an interrupt changes) with interrupts masked.
#
# The M0+ has no 64-bit load: VAR is read as two 32-bit words, and a tick
# between them gives a torn value (off by 2^32 us at a carry of the low
# word).  So in FUNC's disassembly: the literal pool must hold VAR's address
# (FUNC really reads VAR), `cpsid i` must come first, then the loads (at
# least two words), then `msr PRIMASK` (restore) or `cpsie i`; no data load
# may come before the cpsid or after the restore.  Literal-pool and stack
# loads ([pc, ...], [sp, ...]) are not data loads.
set -eu

elf=${1:?usage: m0_irq_read.sh ELF FUNC VAR}
func=${2:?usage: m0_irq_read.sh ELF FUNC VAR}
var=${3:?usage: m0_irq_read.sh ELF FUNC VAR}
OBJDUMP=${ARM_OBJDUMP:-arm-none-eabi-objdump}
NM=${ARM_NM:-arm-none-eabi-nm}

addr=$($NM "$elf" | awk -v v="$var" '$3 == v { print $1; exit }')
if [ -z "$addr" ]; then
	echo "m0_irq_read: no symbol $var in $elf" >&2
	exit 1
fi
dis=$($OBJDUMP -d --no-show-raw-insn "$elf" | awk -v f="<$func>:" '$2 == f { on = 1; next } on && /^$/ { exit } on')
if [ -z "$dis" ]; then
	echo "m0_irq_read: no function $func in $elf" >&2
	exit 1
fi
echo "$dis"
echo "$dis" | awk -v addr="$addr" -v func="$func" -v var="$var" '
	$2 == ".word" && tolower($3) == "0x" tolower(addr) { reads = 1 }
	$2 == "cpsid" && $3 == "i" { if (!state) state = 1; next }
	($2 == "msr" && $3 ~ /^PRIMASK/) || ($2 == "cpsie" && $3 == "i") { if (state == 1) state = 2; next }
	$2 ~ /^ldr/ && $0 !~ /\[(pc|sp)/ || $2 ~ /^ldm/ {
		n = ($2 ~ /^ldm/) ? 2 : 1
		if (state == 1)
			inside += n
		else
			bad = bad "\n  " $0
	}
	END {
		if (!reads)
			err = err "\n" func " does not load the address of " var
		if (state != 2)
			err = err "\n" func ": no cpsid i ... msr PRIMASK / cpsie i critical section"
		if (inside < 2)
			err = err "\n" func ": fewer than two word loads inside the critical section"
		if (bad != "")
			err = err "\n" func ": loads outside the critical section:" bad
		if (err != "") {
			print "FAIL: " var " read without masking interrupts (torn read on the M0+)" err
			exit 1
		}
		print "ok: " func " reads " var " (" inside " words) between cpsid i and the PRIMASK restore"
	}'
