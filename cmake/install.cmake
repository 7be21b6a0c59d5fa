# SPDX-License-Identifier: Apache-2.0
# `cmake --install <build> --prefix <prefix>` installs Portcullis as a package a firmware finds
# with find_package(Portcullis) (docs/integration.md): the library's sources and headers, the
# CMake files that build them in the firmware's own project (cmake/library.cmake) and the
# policy tool's source, under <prefix>/share/portcullis, with PortcullisConfig.cmake and
# PortcullisConfigVersion.cmake in its cmake/ folder (one of find_package's search paths).
# What is installed is a source package: lwIP's structures change with the firmware's
# lwipopts.h and the code with its toolchain and CPU, so the firmware compiles it. Nothing of
# the reference boards, the lab (lab services, lab addresses), the tests or the host tools
# is installed: the lists below name every folder that is.
include(CMakePackageConfigHelpers)

set(_dest share/portcullis)
foreach(_dir IN ITEMS firmware/base firmware/policy firmware/filter firmware/report firmware/stack
                     firmware/c firmware/identity firmware/mgmt platform/include)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/${_dir}/" DESTINATION "${_dest}/${_dir}")
endforeach()
# The agent without the lab's services; TLS without the probes and without the build's seed.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/firmware/app/" DESTINATION "${_dest}/firmware/app"
        PATTERN "lab_services*" EXCLUDE)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/platform/mbedtls/" DESTINATION "${_dest}/platform/mbedtls"
        PATTERN "probe" EXCLUDE PATTERN "provisioned_seed*" EXCLUDE)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/ports/" DESTINATION "${_dest}/ports")
install(FILES "${PROJECT_SOURCE_DIR}/hal/CMakeLists.txt" DESTINATION "${_dest}/hal")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/hal/include/" DESTINATION "${_dest}/hal/include")
install(FILES "${PROJECT_SOURCE_DIR}/tools/policy/portcullis_policy.cpp"
        DESTINATION "${_dest}/tools/policy")
install(FILES "${PROJECT_SOURCE_DIR}/tools/common/include/portcullis/tools/read_file.hpp"
        DESTINATION "${_dest}/tools/common/include/portcullis/tools")
install(FILES "${PROJECT_SOURCE_DIR}/cmake/library.cmake" "${PROJECT_SOURCE_DIR}/cmake/portcullis.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/policy.cmake" "${PROJECT_SOURCE_DIR}/cmake/lwip_hooks.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/settings.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/PortcullisConfig.cmake"
              "${PROJECT_BINARY_DIR}/PortcullisConfigVersion.cmake"
        DESTINATION "${_dest}/cmake")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/CHANGELOG.md" DESTINATION "${_dest}")
install(FILES "${PROJECT_SOURCE_DIR}/docs/integration.md" "${PROJECT_SOURCE_DIR}/docs/porting.md"
        DESTINATION "${_dest}/docs")

# 0.x: a minor version may break the interface, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/PortcullisConfigVersion.cmake"
                                 VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion
                                 ARCH_INDEPENDENT)
unset(_dest)
unset(_dir)
