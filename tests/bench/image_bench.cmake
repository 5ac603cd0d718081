# The image transform benchmarks (include() this from tests/bench/CMakeLists.txt). Programs, not
# CTest tests: they measure, they assert nothing.
#   <build>/bin/image_bench [--runs N] [--json F]      transforms in process
#   <build>/bin/image_naive_server SOURCE [--pool N]   the naive Magick++ baseline of image_wrk_bench.py
add_executable(image_bench "${CMAKE_CURRENT_LIST_DIR}/image_bench.cpp")
target_link_libraries(image_bench PRIVATE edgedesk_server PkgConfig::MAGICKPP)
add_executable(image_naive_server "${CMAKE_CURRENT_LIST_DIR}/image_naive_server.cpp")
target_link_libraries(image_naive_server PRIVATE PkgConfig::MAGICKPP)
set_target_properties(image_bench image_naive_server PROPERTIES
                      RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bin")
