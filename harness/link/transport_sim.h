/* transport_sim.h - the virtual bench in-process, on the virtual clock. */
#ifndef PH_TRANSPORT_SIM_H
#define PH_TRANSPORT_SIM_H

#ifndef PH_USES_LINK
#error "link/ is not a declared dependency of this part (harness/CMakeLists.txt)"
#endif

#include "bench.h"
#include "link/transport.h"

/* A transport owning a new bench built from cfg.  NULL on allocation
 * failure.  Close it with ph_transport_close(). */
ph_transport *ph_sim_open(const bench_config *cfg);

/* The bench behind a sim transport (for the bench's own tests and
 * benchmarks only), NULL for any other transport. */
bench *ph_sim_bench(ph_transport *t);

#endif
