# add_unit_test(NAME name SOURCES a.cpp ... [LIBS lib ...] [GUI] [LABELS l ...] [TIMEOUT s])
#   Builds one Qt Test executable and registers it with CTest.
#   GUI tests run under `xvfb-run -a` (a real X server), the others with the offscreen platform.
#   Every test gets the build's program folder in EDGEDESK_BIN_DIR so end-to-end tests can start
#   the real executables.
function(add_unit_test)
  cmake_parse_arguments(T "GUI" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE edgedesk_testsupport Qt6::Test ${T_LIBS})
  if(T_GUI)
    find_program(XVFB_RUN xvfb-run REQUIRED)
    add_test(NAME ${T_NAME}
             COMMAND ${XVFB_RUN} -a -s "-screen 0 1440x900x24" $<TARGET_FILE:${T_NAME}>)
    set(env "QTWEBENGINE_DISABLE_SANDBOX=1"
            "QTWEBENGINE_CHROMIUM_FLAGS=--disable-gpu --no-sandbox")
  else()
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set(env "QT_QPA_PLATFORM=offscreen")
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 240)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES
      TIMEOUT ${T_TIMEOUT}
      LABELS "${T_LABELS}"
      ENVIRONMENT "${env};EDGEDESK_BIN_DIR=${CMAKE_BINARY_DIR}/bin;EDGEDESK_SOURCE_DIR=${CMAKE_SOURCE_DIR};EDGEDESK_SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/screenshots")
endfunction()
