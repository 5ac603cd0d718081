# The `sanitize` preset: AddressSanitizer with LeakSanitizer, and UndefinedBehaviorSanitizer, on
# every target, so that the crash regressions in the suites mean something. The container
# programs the tests start are instrumented too.
if(EDGEDESK_SANITIZE)
  # -fno-sanitize-recover: undefined behaviour fails the test that ran into it instead of leaving
  # a line in its log. -fno-omit-frame-pointer: whole stacks in reports, at little cost.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer needs clang. The code under test is compiled with coverage instrumentation
# (fuzzer-no-link); only the fuzz targets link the fuzzer's main (tests/fuzz).
if(EDGEDESK_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "EDGEDESK_BUILD_FUZZERS needs clang (libFuzzer): configure with the "
                        "`sanitize` preset or -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# A program that runs inside an image's root (which may hold nothing but it): linked statically,
# and so built without the sanitizers, whose runtimes cannot be linked statically.
function(edgedesk_static_program target)
  if(EDGEDESK_SANITIZE OR EDGEDESK_BUILD_FUZZERS)
    set_property(TARGET ${target} PROPERTY COMPILE_OPTIONS "")
    set_property(TARGET ${target} PROPERTY LINK_OPTIONS "")
  endif()
  target_link_options(${target} PRIVATE -static)
endfunction()
