/*
 * pcapng.h - the few pcapng constants the recorder and reader share
 * (draft-ietf-opsawg-pcapng).  Internal to harness/trace.
 */
#ifndef PH_TRACE_PCAPNG_H
#define PH_TRACE_PCAPNG_H

#ifndef PH_USES_TRACE
#error "trace/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#define PH_PCAPNG_SHB 0x0A0D0D0Au
#define PH_PCAPNG_IDB 0x00000001u
#define PH_PCAPNG_SPB 0x00000003u
#define PH_PCAPNG_EPB 0x00000006u
#define PH_PCAPNG_MAGIC 0x1A2B3C4Du
#define PH_PCAPNG_MAGIC_SWAPPED 0x4D3C2B1Au

#define PH_PCAPNG_OPT_END 0
#define PH_PCAPNG_OPT_COMMENT 1
#define PH_PCAPNG_SHB_OS 3
#define PH_PCAPNG_SHB_USERAPPL 4
#define PH_PCAPNG_IF_NAME 2
#define PH_PCAPNG_IF_DESCRIPTION 3
#define PH_PCAPNG_IF_TSRESOL 9
#define PH_PCAPNG_IF_TSOFFSET 14
#define PH_PCAPNG_EPB_FLAGS 2

/* epb_flags bits 0-1: direction. */
#define PH_PCAPNG_DIR_INBOUND 1u
#define PH_PCAPNG_DIR_OUTBOUND 2u

#define PH_PCAPNG_LINKTYPE_USER0 147
#define PH_PCAPNG_LINKTYPE_USER1 148

/* Smallest legal block: type, length, length. */
#define PH_PCAPNG_MIN_BLOCK 12u

#endif
