/*
 * sim_fixture_test.h - what the virtual rig's unit tests share: one fixture
 * with the default configuration, and a value set through the fixture
 * channel as the harness would set it.  Include after <cmocka.h>.
 */
#ifndef SIM_FIXTURE_TEST_H
#define SIM_FIXTURE_TEST_H

#include "fixture_priv.h"

static fixture F;

/* The fixture with the default configuration and the rig's noise seeded. */
static int fixture_setup(void **state, uint32_t seed)
{
	fixture_config c;

	fixture_config_default(&c);
	fixture_init(&F, &c, seed);
	*state = &F;
	return 0;
}

/* A value through the fixture channel; returns the ack's result. */
static int fx_set(fixture *fx, int64_t t, uint8_t param, int32_t v)
{
	pp_msg req = { .type = pp_type_fx_set }, reply;
	int kind;
	uint32_t at;

	req.u.fx_set.param = param;
	req.u.fx_set.value = v;
	assert_int_equal(fixture_handle(fx, t, &req, &reply, &kind, &at), 0);
	return reply.u.ack.result;
}

#endif
