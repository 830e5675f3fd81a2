# tandem_library(NAME SOURCES ... DEPS ...): a static module library under src/.
function(tandem_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# tandem_unit_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with CTest.
function(tandem_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE TANDEM_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  add_test(NAME unit.${name} COMMAND ${name})
endfunction()

# tandem_fuzz_target(NAME SOURCE src DEPS ... CORPUS dir [DICT file]): a libFuzzer binary plus a
# bounded CTest smoke run over its seed corpus (TANDEM_FUZZ_SECONDS, default 60), using the
# libFuzzer dictionary when one is given.
function(tandem_fuzz_target name)
  cmake_parse_arguments(ARG "" "SOURCE;CORPUS;DICT" "DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCE})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus)
  add_test(NAME fuzz.${name}
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   ${PROJECT_SOURCE_DIR}/tests/fuzz/run-smoke.sh $<TARGET_FILE:${name}>
                   ${ARG_CORPUS} ${work} ${ARG_DICT})
endfunction()
