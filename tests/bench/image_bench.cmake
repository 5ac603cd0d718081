# The image transform benchmark (include() this from tests/bench/CMakeLists.txt). A program, not
# a CTest test: it measures, it asserts nothing. Run: <build>/bin/image_bench [--runs N] [--json F]
add_executable(image_bench "${CMAKE_CURRENT_LIST_DIR}/image_bench.cpp")
target_link_libraries(image_bench PRIVATE edgedesk_server)
set_target_properties(image_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bin")
