/*
 * fuzz_ascii.c - the serial-line parsers: the ASCII command set's front-end
 * (board/sim/ascii_fe.c: lines in, pumphil requests to the firmware, reply
 * lines out) and the tagged-frame deframer of the serial transport
 * (harness/serial/transport_serial.c), fed the same arbitrary bytes.  The
 * bench advances a little between chunks so replies and events flow.
 */
#include <stdint.h>
#include <string.h>

#include "ascii_fe.h"
#include "bench.h"
#include "serial/transport_serial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ascii_fe *fe;

static void line_sink(void *ud, const uint8_t *b, size_t n)
{
	(void)ud;
	if (n == 0 || b[n - 1] != '\n')
		__builtin_trap(); /* every line the front-end writes is whole */
}

static void on_tx(void *ud, uint8_t ch, const uint8_t *w, size_t n, int64_t t)
{
	(void)ud;
	(void)t;
	if (ch == 0 && fe)
		ascii_fe_bench_tx(fe, w, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bench_config cfg;
	static int init;
	ph_serial_deframer d;
	ph_rx rx;

	if (!init) {
		bench_config_default(&cfg);
		init = 1;
	}
	bench *b = bench_new(&cfg, on_tx, NULL);
	if (!b)
		return 0;
	fe = ascii_fe_new(b, line_sink, NULL);
	memset(&d, 0, sizeof d);
	for (size_t i = 0; i < size; i += 64) {
		size_t n = size - i < 64 ? size - i : 64;
		ascii_fe_line_rx(fe, data + i, n);
		bench_advance(b, bench_now_ns(b) + 50000000);
		ascii_fe_poll(fe);
	}
	for (size_t i = 0; i < size; i++)
		if (ph_serial_deframe(&d, data[i], &rx) && (rx.n < 2 || rx.n > PP_MAX_WIRE))
			__builtin_trap();
	ascii_fe_free(fe);
	fe = NULL;
	bench_free(b);
	return 0;
}
