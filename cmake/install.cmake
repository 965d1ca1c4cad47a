# Installation layout and the Debian package (cpack -G DEB).
#
#   <prefix>/bin/redis-memwatch                    (src/app/CMakeLists.txt)
#   <prefix>/lib/systemd/system/redis-memwatch.service
#   /etc/redis-memwatch/config.yml                 example; a dpkg conffile
#   <prefix>/share/redis-memwatch/{rules,grafana,docs}/
#   <prefix>/share/doc/redis-memwatch/{copyright,changelog.Debian.gz}
#
# Included from the top-level CMakeLists.txt after add_subdirectory(src).
# The unit runs /usr/bin/redis-memwatch: packages use the prefix /usr.

set(MEMWATCH_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(MEMWATCH_DOC_DIR share/doc/redis-memwatch)
set(MEMWATCH_DATA_DIR share/redis-memwatch)
set(MEMWATCH_CONFIG_DIR /etc/redis-memwatch)
set(MEMWATCH_DEB_MAINTAINER "redis-memwatch maintainers <redis-memwatch@example.org>"
    CACHE STRING "Maintainer field of the .deb: Name <email>")

# Whatever the umask of whoever builds: lintian wants 0755 directories.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

install(FILES ${PROJECT_SOURCE_DIR}/systemd/redis-memwatch.service
        DESTINATION lib/systemd/system)

# The example config. Absolute: /etc whatever the prefix, since the unit
# reads /etc/redis-memwatch/config.yml. A plain `cmake --install` keeps a
# config that is already there (it is the admin's); in the .deb it is a
# conffile, so dpkg asks before replacing a changed one and purge removes it.
install(CODE "
  set(dest \"\$ENV{DESTDIR}${MEMWATCH_CONFIG_DIR}/config.yml\")
  if(EXISTS \"\${dest}\")
    message(STATUS \"Keeping existing: \${dest}\")
  else()
    # file(INSTALL) adds DESTDIR to an absolute destination itself.
    file(INSTALL DESTINATION \"${MEMWATCH_CONFIG_DIR}\" TYPE FILE
         FILES \"${MEMWATCH_PACKAGING_DIR}/config.yml\")
  endif()
")

# Written by others and possibly not there yet: OPTIONAL checks at install
# time, so a directory that appears later is picked up without a re-configure.
# Test fixtures (rules/tests: promtool unit tests) are for CI, not for users.
foreach(dir rules grafana docs)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${MEMWATCH_DATA_DIR}/${dir}
          OPTIONAL
          PATTERN tests EXCLUDE)
endforeach()

# ---- Debian package ---------------------------------------------------------
# A Debian revision makes the package non-native: lintian then wants
# changelog.Debian.gz (not changelog.gz), compressed with -9 and no timestamp.
set(MEMWATCH_DEB_RELEASE 1)
set(MEMWATCH_DEB_VERSION ${PROJECT_VERSION}-${MEMWATCH_DEB_RELEASE})
configure_file(${MEMWATCH_PACKAGING_DIR}/changelog.Debian.in
               ${PROJECT_BINARY_DIR}/packaging/changelog.Debian @ONLY)
execute_process(
  COMMAND gzip -9 -n -c ${PROJECT_BINARY_DIR}/packaging/changelog.Debian
  OUTPUT_FILE ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz
  COMMAND_ERROR_IS_FATAL ANY)
install(FILES ${MEMWATCH_PACKAGING_DIR}/copyright
              ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz
        DESTINATION ${MEMWATCH_DOC_DIR})

# Maintainer scripts and conffiles, with the modes dpkg wants. configure_file
# makes an edited script re-run the configure step at the next build.
foreach(script postinst prerm postrm)
  configure_file(${MEMWATCH_PACKAGING_DIR}/debian/${script}
                 ${PROJECT_BINARY_DIR}/packaging/debian/${script} COPYONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                  WORLD_READ WORLD_EXECUTE)
endforeach()
file(WRITE ${PROJECT_BINARY_DIR}/packaging/debian/conffiles "${MEMWATCH_CONFIG_DIR}/config.yml\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME redis-memwatch)
set(CPACK_PACKAGE_VENDOR "redis-memwatch")
set(CPACK_PACKAGE_CONTACT "${MEMWATCH_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Stage with DESTDIR, so absolute destinations (/etc) land under the package
# root, never in the build machine's /etc; CPACK_INSTALL_PREFIX is then the
# prefix inside the package.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_NAME redis-memwatch)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${MEMWATCH_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${MEMWATCH_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# First line: the synopsis; the rest: the extended description (cpack
# indents it as control files need).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Redis memory watchdog and Prometheus exporter
redis-memwatch polls Redis servers and warns before they run out of memory:
it flags risky settings such as maxmemory 0 or the noeviction policy on the
first poll, tracks memory against the real limit (maxmemory, the container
limit or the host's RAM) and forecasts when it will be reached. It exports
Prometheus metrics, ships alert rules, a Grafana dashboard and a runbook,
and answers `redis-memwatch doctor` with a report an operator can act on.")
# Library dependencies from dpkg-shlibdeps (needs dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/packaging/debian/conffiles
    ${PROJECT_BINARY_DIR}/packaging/debian/postinst
    ${PROJECT_BINARY_DIR}/packaging/debian/prerm
    ${PROJECT_BINARY_DIR}/packaging/debian/postrm)
# Control files keep the modes above (0755 scripts, 0644 conffiles).
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
