# Fault-tree analysis through the real binary: bad trees, usage, the pump's
# trees, and the comparison against SCRAM on its shipped models.
set(FTA_DATA ${CMAKE_CURRENT_SOURCE_DIR}/data/fta)
set(FTA_EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/integration/fta_expect.sh)

# fta_expect(NAME RC [STDERR ere] [STDOUT ere] [ONE_LINE] ARGS ...): runs
# `pumphil fta ARGS...` and checks its exit status and output.
function(fta_expect name rc)
  cmake_parse_arguments(E "ONE_LINE" "STDERR;STDOUT" "ARGS" ${ARGN})
  set(opts --rc ${rc})
  if(DEFINED E_STDERR)
    list(APPEND opts --stderr ${E_STDERR})
  endif()
  if(DEFINED E_STDOUT)
    list(APPEND opts --stdout ${E_STDOUT})
  endif()
  if(E_ONE_LINE)
    list(APPEND opts --one-line)
  endif()
  add_test(NAME ${name} COMMAND bash ${FTA_EXPECT} ${opts} -- ${PUMPHIL_BIN} fta ${E_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT 60)
endfunction()

# Each bad tree: exit 2 and one line "file:line: error: <element> '<name>': ...".
fta_expect(fta_bad_undefined 2 ONE_LINE
  STDERR "undefined\\.xml:8: error: basic-event 'pump_stal': undefined basic-event"
  ARGS analyse ${FTA_DATA}/undefined.xml)
fta_expect(fta_bad_cycle 2 ONE_LINE
  STDERR "cycle\\.xml:11: error: define-gate 'g1': cycle g1 -> g2 -> g3 -> g1"
  ARGS analyse ${FTA_DATA}/cycle.xml)
fta_expect(fta_bad_malformed 2 ONE_LINE
  STDERR "malformed\\.xml:9: error: malformed XML: .*mismatch"
  ARGS analyse ${FTA_DATA}/malformed.xml)
fta_expect(fta_bad_empty_gate 2 ONE_LINE
  STDERR "empty_gate\\.xml:11: error: define-gate 'detection_fails': empty gate"
  ARGS analyse ${FTA_DATA}/empty_gate.xml)
fta_expect(fta_bad_empty_formula 2 ONE_LINE
  STDERR "empty_formula\\.xml:8: error: and 'top': empty formula"
  ARGS analyse ${FTA_DATA}/empty_formula.xml)
fta_expect(fta_bad_duplicate 2 ONE_LINE
  STDERR "duplicate\\.xml:13: error: define-basic-event 'a': duplicate definition"
  ARGS analyse ${FTA_DATA}/duplicate.xml)
fta_expect(fta_bad_unsupported 2 ONE_LINE
  STDERR "unsupported\\.xml:12: error: define-substitution 'pumps': substitutions are not supported"
  ARGS analyse ${FTA_DATA}/unsupported.xml)
fta_expect(fta_bad_ccf_level 2 ONE_LINE
  STDERR "ccf_bad_level\\.xml:20: error: factor 'motors': level 1 is outside 2\\.\\.3 \\(MGL group of 3 members\\)"
  ARGS analyse ${FTA_DATA}/ccf_bad_level.xml)
fta_expect(fta_bad_ccf_phi_sum 2 ONE_LINE
  STDERR "ccf_phi_sum\\.xml:12: error: define-CCF-group 'pumps': the phi factors sum to 0\\.9, not 1"
  ARGS analyse ${FTA_DATA}/ccf_phi_sum.xml)

# CCF groups: expanded by default (SCRAM's --ccf), members independent with
# --no-ccf (2 of 3 at q = 0.02: 3 q^2 (1 - q) + q^3 = 0.001184).  The
# expanded results are compared with SCRAM's in fta_vs_scram.
fta_expect(fta_ccf_expanded 0
  STDOUT "minimal cut sets: 4 .*probability: 0\\.00295842 .*order 1 +p=0\\.002 +.B1 B2 B3."
  ARGS analyse --top beta_top ${FTA_DATA}/ccf_groups.xml)
fta_expect(fta_ccf_off 0
  STDOUT "minimal cut sets: 3 .*probability: 0\\.001184 .*B1 B2"
  ARGS analyse --no-ccf --top beta_top ${FTA_DATA}/ccf_groups.xml)
fta_expect(fta_bad_arity 2 ONE_LINE
  STDERR "arity\\.xml:6: error: atleast 'top': min must be"
  ARGS analyse ${FTA_DATA}/arity.xml)
fta_expect(fta_bad_not_mef 2 ONE_LINE
  STDERR "notmef\\.xml:2: error: fault-tree 'not-mef': not an Open-PSA MEF document"
  ARGS analyse ${FTA_DATA}/notmef.xml)
fta_expect(fta_bad_doctype 2 ONE_LINE
  STDERR "/doctype\\.xml:4: error: document type declarations are not supported"
  ARGS analyse ${FTA_DATA}/doctype.xml)
fta_expect(fta_bad_missing_file 2 ONE_LINE
  STDERR "error: .*no-such-tree\\.xml: No such file"
  ARGS analyse ${FTA_DATA}/no-such-tree.xml)

# Usage.
fta_expect(fta_help 0 STDOUT "usage: pumphil fta .*analyse" ARGS --help)
fta_expect(fta_analyse_help 0 STDOUT "usage: pumphil fta analyse" ARGS analyse --help)
fta_expect(fta_unknown_option 2 STDERR "unknown option '--bogus'.*usage: pumphil fta analyse"
  ARGS analyse --bogus ${FTA_DATA}/cycle.xml)
fta_expect(fta_unknown_command 2 STDERR "unknown command 'frobnicate'" ARGS frobnicate)
fta_expect(fta_bad_limit 2 STDERR "--limit-order needs a number" ARGS analyse --limit-order x
  ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump.xml)

# The pump's trees analyse cleanly; --json needs one top event.  (No square
# brackets in these regexes: CMake would stop splitting the argument list.)
fta_expect(fta_pump_text 0 STDOUT "top event: over_infusion.*top event: under_infusion_undetected.*top event: therapy_lost_without_alarm"
  ARGS analyse ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump.xml)
fta_expect(fta_pump_json 0
  STDOUT "^\\{\"top\": *\"over_infusion\", *\"products\": *..\"bolus_idempotency_failure\", *\"duplicate_bolus_frame\".*\"probability\": *1\\.1899"
  ARGS analyse --json --top over_infusion ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump.xml)
# Importance factors: a table in text, an "importance" array in JSON (the
# values themselves are checked against SCRAM in fta_vs_scram and by brute
# force in test_fta_mcs).
fta_expect(fta_pump_importance_text 0
  STDOUT "importance .11 basic events in cut sets.:.*MIF.*CIF.*DIF.*RAW.*RRW.*0\\.0005 +0\\.000999889 +0\\.0420124 +0\\.0424914 +84\\.9827 +1\\.04385 +1  pressure_sensor_stuck"
  ARGS analyse --importance --top over_infusion ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump.xml)
fta_expect(fta_pump_importance_json 0
  STDOUT "\"importance\": *.\\{\"event\": *\"bolus_idempotency_failure\", *\"occurrence\": *1, *\"probability\""
  ARGS analyse --json --importance --top over_infusion ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump.xml)
fta_expect(fta_pump_json_needs_top 2 ONE_LINE STDERR "3 top events"
  ARGS analyse --json ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump.xml)

# Cut sets and probabilities equal SCRAM's on its models and the pump's.
# CEA9601 (a BDD of 1.2 million nodes) is a test of its own so CTest runs it
# beside the others.
add_test(NAME fta_vs_scram
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/fta_vs_scram.sh
          ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR} /usr/share/scram/input "(?!CEA9601).*")
add_test(NAME fta_vs_scram_cea9601
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/fta_vs_scram.sh
          ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR} /usr/share/scram/input CEA9601)
set_tests_properties(fta_vs_scram fta_vs_scram_cea9601 PROPERTIES LABELS integration
  TIMEOUT 600 SKIP_RETURN_CODE 77)

# Monte Carlo means within 3 standard errors of SCRAM's on the models with
# distributions (BSCU, SmallTree, Chinese, tests/data/fta/deviates.xml).
add_test(NAME fta_uncertainty_vs_scram
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/fta_uncertainty_vs_scram.sh
          ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR} /usr/share/scram/input)
set_tests_properties(fta_uncertainty_vs_scram PROPERTIES LABELS integration TIMEOUT 300
  SKIP_RETURN_CODE 77)
fta_expect(fta_uncertainty_text 0
  STDOUT "uncertainty .1000 trials, seed 5.: mean 0\\.0[0-9]+, sigma 0\\.0[0-9]+, 95% interval of the mean"
  ARGS analyse --uncertainty 1000 --seed 5 ${FTA_DATA}/deviates.xml)
fta_expect(fta_uncertainty_bad_trials 2 STDERR "--uncertainty needs 2 to 10000000 trials, not 'many'"
  ARGS analyse --uncertainty many ${FTA_DATA}/deviates.xml)

# Validation on the bench (pumphil fta validate): the pump's trees hold on
# the reference firmware; the occlusion_off planted bug makes a single total
# occlusion reach the hazards; bad maps give one error line each.
set(FTA_TREE ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump.xml)
set(FTA_MAP ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump-map.json)
if(NOT PUMPHIL_PLANT)
  fta_expect(fta_validate_reference 0
    STDOUT "firmware: reference.*fta validate: [0-9]+ consistent, 0 contradictions, 0 errors \\(not judged\\), [0-9]+ skipped\nreport: [^\n]*\n[0-9]+ passed, 0 failed, [0-9]+ skipped"
    ARGS validate --map ${FTA_MAP} --report ${CMAKE_BINARY_DIR}/fta-validate -j 2 ${FTA_TREE})
  set_tests_properties(fta_validate_reference PROPERTIES
    ENVIRONMENT PUMPHIL_FIXTURES=${CMAKE_SOURCE_DIR}/fixtures)
  add_test(NAME fta_validate_occlusion_off
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/fta_plant.sh ${CMAKE_SOURCE_DIR}
            ${CMAKE_BINARY_DIR}/plant-occlusion_off ${FTA_MAP} ${FTA_TREE} ${PUMPHIL_BIN})
  set_tests_properties(fta_validate_occlusion_off PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT PUMPHIL_FIXTURES=${CMAKE_SOURCE_DIR}/fixtures)
endif()
if(NOT PUMPHIL_PLANT)
  add_test(NAME fta_validate_provenance
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/fta_validate_provenance.sh ${PUMPHIL_BIN}
            ${FTA_MAP} ${FTA_TREE})
  set_tests_properties(fta_validate_provenance PROPERTIES LABELS integration TIMEOUT 300
    ENVIRONMENT PUMPHIL_FIXTURES=${CMAKE_SOURCE_DIR}/fixtures)
endif()
fta_expect(fta_validate_bad_event 2 ONE_LINE
  STDERR "map_unknown_event\\.json:165: error: basic_events.pump_on_fire: not in the tree"
  ARGS validate --map ${FTA_DATA}/map_unknown_event.json ${FTA_TREE})
fta_expect(fta_validate_bad_fault 2 ONE_LINE
  STDERR "map_unknown_fault\\.json:75: error: basic_events.motor_stall.inject.0.: unknown fault 'motor_explodes' \\(not in the fault catalogue\\)"
  ARGS validate --map ${FTA_DATA}/map_unknown_fault.json ${FTA_TREE})
fta_expect(fta_validate_bad_json 2 ONE_LINE
  STDERR "map_malformed\\.json:5:1: error: malformed JSON"
  ARGS validate --map ${FTA_DATA}/map_malformed.json ${FTA_TREE})
# The whole map is checked before anything runs: exit 2 and FILE:LINE with
# the entry's path (issue 20: these used to run and fail with exit 1, or
# were silently ignored).
fta_expect(fta_validate_prescription_key 2 ONE_LINE
  STDERR "map_prescription_key\\.json:3: error: prescription.rate_ml_dya: unknown key \\(known: rate_ml_day, reservoir_ml, settle_min, run_h\\)"
  ARGS validate --map ${FTA_DATA}/map_prescription_key.json ${FTA_TREE})
fta_expect(fta_validate_param_range 2 ONE_LINE STDOUT "^$"
  STDERR "map_param_range\\.json:17: error: basic_events.pressure_sensor_stuck.inject.0..params.value: 5e\\+06 Pa \\(5000 kPa\\) is outside 0\\.\\.1000 kPa"
  ARGS validate --map ${FTA_DATA}/map_param_range.json ${FTA_TREE})
fta_expect(fta_validate_duration_instant 2 ONE_LINE
  STDERR "map_duration_instant\\.json:27: error: basic_events.watchdog_reset.inject.0..duration_min: fault 'watchdog_reset' is instantaneous \\(no duration\\)"
  ARGS validate --map ${FTA_DATA}/map_duration_instant.json ${FTA_TREE})
fta_expect(fta_validate_units_trap 2 ONE_LINE
  STDERR "map_units_trap\\.json:17: error: basic_events.pressure_sensor_stuck.inject.0..params.value: 300 is ambiguous: 300 Pa and 300 kPa are both within 0\\.\\.1000 kPa; write \"300 Pa\" or \"300 kPa\""
  ARGS validate --map ${FTA_DATA}/map_units_trap.json ${FTA_TREE})
fta_expect(fta_validate_param_unit 2 ONE_LINE
  STDERR "map_param_unit\\.json:17: error: basic_events.pressure_sensor_stuck.inject.0..params.value: '300 mL' is not a quantity in kPa"
  ARGS validate --map ${FTA_DATA}/map_param_unit.json ${FTA_TREE})
# A contradiction is located at the map entry and traced to the tree's gate
# and event; figures on every verdict; hazard and requirement ids; the
# detection window; --fixtures (issue 20).
if(NOT PUMPHIL_PLANT)
  add_test(NAME fta_validate_trace
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/fta_validate_trace.sh ${PUMPHIL_BIN}
            ${CMAKE_SOURCE_DIR})
  set_tests_properties(fta_validate_trace PROPERTIES LABELS integration TIMEOUT 120)
endif()
fta_expect(fta_validate_top_key 2 ONE_LINE STDOUT "^$"
  STDERR "map_top_key\\.json:6: error: top_events.over_infusion.hazzard: unknown key \\(known: oracles, hazard, req, detect_within_min, note\\)"
  ARGS validate --map ${FTA_DATA}/map_top_key.json ${FTA_DATA}/wrong_tree.xml)
fta_expect(fta_validate_no_map 2 STDERR "no mapping file" ARGS validate ${FTA_TREE})

# pumphil-fta (the analysis alone, without the bench's libraries) prints
# exactly what `pumphil fta analyse` prints.
add_test(NAME fta_standalone_same
  COMMAND bash -c "diff <(\"$0\" fta analyse --importance --approx mcub \"$2\") <(\"$1\" --importance --approx mcub \"$2\") && diff <(\"$0\" fta analyse --bogus 2>&1) <(\"$1\" --bogus 2>&1)"
          ${PUMPHIL_BIN} $<TARGET_FILE:pumphil-fta> ${CMAKE_SOURCE_DIR}/fixtures/faulttrees/pump.xml)
set_tests_properties(fta_standalone_same PROPERTIES LABELS integration TIMEOUT 60)
