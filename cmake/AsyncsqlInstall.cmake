# `cmake --install` exports asyncsql::asyncsql so that
# find_package(asyncsql CONFIG) works (tests/install/consumer proves it).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS asyncsql EXPORT asyncsqlTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/asyncsql DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT asyncsqlTargets
  NAMESPACE asyncsql::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/asyncsql)

configure_package_config_file(cmake/asyncsqlConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/asyncsqlConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/asyncsql)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/asyncsqlConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/asyncsqlConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/asyncsqlConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/asyncsql)
