# Installation layout and the Debian package.
#   bin/edgedesk                     the program (window or --headless)
#   libexec/edgedesk/*               the container programs (installed by their own CMakeLists)
#   share/edgedesk/                  the default configuration template and the sample image
#   share/applications, share/metainfo, share/icons/hicolor   desktop integration
include(GNUInstallDirs)

install(FILES "${PROJECT_SOURCE_DIR}/resources/wrangler.jsonc"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/edgedesk")
install(FILES "${PROJECT_SOURCE_DIR}/resources/sample/pristine.jpg"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/edgedesk/sample")
install(FILES "${PROJECT_SOURCE_DIR}/packaging/desktop/io.github.edgedesk.EdgeDesk.desktop"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
install(FILES "${PROJECT_SOURCE_DIR}/packaging/desktop/io.github.edgedesk.EdgeDesk.metainfo.xml"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/edgedesk.svg"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")

if(TARGET Qt6::Svg AND TARGET Qt6::Gui)
  add_executable(edgedesk-iconrender "${PROJECT_SOURCE_DIR}/packaging/tools/iconrender.cpp")
  target_link_libraries(edgedesk-iconrender PRIVATE Qt6::Gui Qt6::Svg)
  set(EDGEDESK_ICON_SIZES 16 24 32 48 64 128 256)
  set(icon_dir "${CMAKE_BINARY_DIR}/icons")
  set(icon_outputs)
  foreach(size IN LISTS EDGEDESK_ICON_SIZES)
    list(APPEND icon_outputs "${icon_dir}/edgedesk-${size}.png")
  endforeach()
  add_custom_command(OUTPUT ${icon_outputs}
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${icon_dir}"
    COMMAND edgedesk-iconrender "${PROJECT_SOURCE_DIR}/resources/icons/edgedesk.svg" "${icon_dir}" ${EDGEDESK_ICON_SIZES}
    DEPENDS edgedesk-iconrender "${PROJECT_SOURCE_DIR}/resources/icons/edgedesk.svg"
    COMMENT "Rendering the application icon to PNG")
  add_custom_target(edgedesk-icons ALL DEPENDS ${icon_outputs})
  foreach(size IN LISTS EDGEDESK_ICON_SIZES)
    install(FILES "${icon_dir}/edgedesk-${size}.png"
            DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps"
            RENAME edgedesk.png)
  endforeach()
endif()

set(CPACK_PACKAGE_NAME "edgedesk")
set(CPACK_PACKAGE_VENDOR "The EdgeDesk developers")
set(CPACK_PACKAGE_CONTACT "EdgeDesk developers <edgedesk@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Local edge-stack workbench: router, containers, KV, images, AI")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_GENERATOR "DEB")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE "gzip")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "amd64")
# Debian 12 package names. bubblewrap is what /run's sandbox is made of.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libqt6core6 (>= 6.4), libqt6gui6 (>= 6.4), libqt6widgets6 (>= 6.4), libqt6network6 (>= 6.4), \
libqt6httpserver6 (>= 6.4), libqt6websockets6 (>= 6.4), libqt6svg6 (>= 6.4), libqt6webenginewidgets6 (>= 6.4), \
libqt6concurrent6 (>= 6.4), libquazip1-qt6-1, libmagick++-6.q16-8, libmagickcore-6.q16-6-extra, \
libsodium23, libcurl4, libsqlite3-0, libarchive13, bubblewrap")
# passt: pasta gives image instances with "enable_internet" their outbound network.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "passt, curl, procps, coreutils, jq, python3, git, wget, vim, htop")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/edgedesk/edgedesk")
include(CPack)
