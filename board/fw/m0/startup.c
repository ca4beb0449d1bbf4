/*
 * startup.c - minimal Cortex-M0+ start-up: the vector table, copying .data
 * from flash, zeroing .bss, then main().  No C library start-up code
 * (-nostartfiles), no heap.
 */
#include <stdint.h>

#include "m0_board.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main(void);
void Reset_Handler(void);
void Default_Handler(void);

void Reset_Handler(void)
{
	uint32_t *src = &_sidata, *dst = &_sdata;

	while (dst < &_edata)
		*dst++ = *src++;
	for (dst = &_sbss; dst < &_ebss;)
		*dst++ = 0;
	main();
	for (;;)
		;
}

void Default_Handler(void)
{
	for (;;)
		;
}

/* Cortex-M0+ core vectors, then the board's interrupts. */
__attribute__((section(".isr_vector"), used)) static void (*const vectors[])(void) = {
	(void (*)(void))(uintptr_t)&_estack,
	Reset_Handler,
	Default_Handler, /* NMI */
	Default_Handler, /* HardFault */
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	Default_Handler, /* SVCall */
	0,
	0,
	Default_Handler, /* PendSV */
	m0_systick_irq,  /* SysTick: the board's microsecond clock */
	m0_uart_irq,     /* IRQ0: telemetry UART receive */
};
