/*
 * main.c - the firmware on a Cortex-M0+: one static fw_pump, a stub HAL over
 * the registers of m0_board.h, and the tickless task loop.
 *
 * Interrupts only queue (fw_rx from the UART interrupt; the SysTick counts
 * microseconds); the loop runs fw_run, programs the timer for the next
 * deadline and sleeps.
 */
#include <stdint.h>

#include "fw.h"
#include "m0_board.h"

static fw_pump pump;               /* the firmware's whole state */
static volatile uint64_t board_us; /* advanced by the SysTick interrupt; read with hal_now */

void m0_systick_irq(void)
{
	board_us += 1000u; /* 1 kHz tick */
}

void m0_uart_irq(void)
{
	uint8_t b = (uint8_t)M0_UART_DATA;
	fw_rx(&pump, &b, 1);
}

/* board_us is 64 bits, but the M0+ loads it as two 32-bit words: a SysTick
 * between them would pair a new word with an old one (2^32 us off when the
 * low word carries).  So the read is a critical section (m0_board.h);
 * tests/integration/m0_irq_read.sh checks it in the image. */
static uint64_t hal_now(void *ctx)
{
	uint32_t irq;
	uint64_t t;

	(void)ctx;
	irq = m0_irq_save();
	t = board_us;
	m0_irq_restore(irq);
	return t;
}

static void hal_stroke(void *ctx)
{
	(void)ctx;
	M0_MOTOR_STEP = 1u;
}

static uint32_t hal_feedback(void *ctx)
{
	(void)ctx;
	return M0_MOTOR_ENCODER;
}

static int32_t hal_pressure(void *ctx)
{
	(void)ctx;
	return (int32_t)M0_ADC_PRESSURE;
}

static uint16_t hal_supply(void *ctx)
{
	(void)ctx;
	return (uint16_t)M0_ADC_SUPPLY;
}

/* NVM on an external SPI EEPROM: this stub clocks the bytes out and reads
 * back an erased device. */
static int hal_nvm_read(void *ctx, uint32_t addr, void *buf, uint32_t n)
{
	uint8_t *b = buf;

	(void)ctx;
	M0_SPI_DATA = 0x03u; /* READ */
	M0_SPI_DATA = addr;
	for (uint32_t i = 0; i < n; i++)
		b[i] = (uint8_t)(M0_SPI_DATA | 0xffu);
	return 0;
}

static int hal_nvm_write(void *ctx, uint32_t addr, const void *buf, uint32_t n)
{
	const uint8_t *b = buf;

	(void)ctx;
	M0_SPI_DATA = 0x02u; /* WRITE */
	M0_SPI_DATA = addr;
	for (uint32_t i = 0; i < n; i++)
		M0_SPI_DATA = b[i];
	return 0;
}

static void hal_link_send(void *ctx, const uint8_t *wire, uint32_t n)
{
	(void)ctx;
	for (uint32_t i = 0; i < n; i++)
		M0_UART_DATA = wire[i];
}

static void hal_kick(void *ctx)
{
	(void)ctx;
	M0_WDT_KICK = 0x5a5au;
}

static const fw_hal hal = {
	.ctx = 0,
	.now_us = hal_now,
	.motor_stroke = hal_stroke,
	.motor_feedback = hal_feedback,
	.pressure_pa = hal_pressure,
	.supply_mv = hal_supply,
	.nvm_read = hal_nvm_read,
	.nvm_write = hal_nvm_write,
	.link_send = hal_link_send,
	.watchdog_kick = hal_kick,
};

int main(void)
{
	fw_config cfg;

	fw_config_default(&cfg);
	fw_init(&pump, &hal, &cfg, (uint8_t)(M0_UART_STATUS >> 30)); /* reset cause */
	for (;;) {
		uint64_t t;

		fw_run(&pump);
		t = fw_next_deadline_us(&pump);
		M0_TIMER_COMPARE_LO = (uint32_t)t;
		M0_TIMER_COMPARE_HI = (uint32_t)(t >> 32);
		__asm volatile("wfi");
	}
}
