/*
 * m0_board.h - the stub board the Cortex-M0+ build links against: a
 * register map for a UART (telemetry), a motor driver with an encoder
 * counter, ADCs for line pressure and the battery rail, a timer, an
 * external SPI EEPROM for the NVM and the watchdog.  The addresses are
 * illustrative; the point of this build is to prove the firmware core fits
 * and links without a heap or floating point.
 */
#ifndef M0_BOARD_H
#define M0_BOARD_H

#include <stdint.h>

#define M0_REG(addr) (*(volatile uint32_t *)(addr))
#define M0_UART_DATA M0_REG(0x40004000u)
#define M0_UART_STATUS M0_REG(0x40004004u)
#define M0_MOTOR_STEP M0_REG(0x40010000u)
#define M0_MOTOR_ENCODER M0_REG(0x40010004u)
#define M0_ADC_PRESSURE M0_REG(0x40012000u)
#define M0_ADC_SUPPLY M0_REG(0x40012004u)
#define M0_TIMER_COMPARE_LO M0_REG(0x40014000u)
#define M0_TIMER_COMPARE_HI M0_REG(0x40014004u)
#define M0_SPI_DATA M0_REG(0x40016000u)
#define M0_WDT_KICK M0_REG(0x40018000u)

/* Critical section for data an interrupt changes: m0_irq_save masks
 * interrupts (cpsid i) and returns the PRIMASK it found, m0_irq_restore puts
 * that back rather than unmasking, so a caller that already runs with
 * interrupts off keeps them off.  The "memory" clobbers keep the compiler
 * from moving loads and stores out of the section. */
static inline __attribute__((always_inline)) uint32_t m0_irq_save(void)
{
	uint32_t primask;

	__asm volatile("mrs %0, primask" : "=r"(primask)::"memory");
	__asm volatile("cpsid i" ::: "memory");
	return primask;
}

static inline __attribute__((always_inline)) void m0_irq_restore(uint32_t primask)
{
	__asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

void m0_systick_irq(void);
void m0_uart_irq(void);

#endif
