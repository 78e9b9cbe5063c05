# Installation layout and the Debian package (CPack DEB).
#
# `cmake --install build` (or `--prefix /usr`, the default here) puts every file where Debian
# expects it:
#   /usr/bin/tokenwarden                               (daemon/CMakeLists.txt)
#   /usr/lib/systemd/system/tokenwarden.service
#   /usr/lib/sysusers.d/tokenwarden.conf, /usr/lib/tmpfiles.d/tokenwarden.conf
#   /etc/tokenwarden/tokenwarden.yaml, /etc/tokenwarden/policies.d/10-baseline.yaml  (conffiles)
#   /etc/logrotate.d/tokenwarden                                                     (conffile)
#   /usr/share/doc/tokenwarden/  README, docs, example configuration and policies
# The /etc files have absolute destinations: they land in /etc whatever the prefix, so stage
# with DESTDIR (`DESTDIR=/tmp/stage cmake --install build`) to install somewhere else.
#
# `cpack -G DEB --config build/CPackConfig.cmake` (or `ninja -C build package`) builds
# tokenwarden_<version>_<arch>.deb from the same rules; systemd/debian/ holds its maintainer
# scripts. The package creates the user and directories but neither enables nor starts the
# service.

# Debian's layout by default; -DCMAKE_INSTALL_PREFIX=... still wins.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX "/usr" CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

set(TOKENWARDEN_SYSTEMD_DIR "${PROJECT_SOURCE_DIR}/systemd")
# Not CMAKE_INSTALL_LIBDIR: on Debian that is lib/<multiarch>, and systemd looks in lib/.
set(TOKENWARDEN_UNIT_DIR "lib/systemd/system")
set(TOKENWARDEN_SYSUSERS_DIR "lib/sysusers.d")
set(TOKENWARDEN_TMPFILES_DIR "lib/tmpfiles.d")
set(TOKENWARDEN_CONF_DIR "/etc/tokenwarden")
set(TOKENWARDEN_DOC_DIR "${CMAKE_INSTALL_DATAROOTDIR}/doc/tokenwarden")

install(FILES "${TOKENWARDEN_SYSTEMD_DIR}/tokenwarden.service"
        DESTINATION "${TOKENWARDEN_UNIT_DIR}")
install(FILES "${TOKENWARDEN_SYSTEMD_DIR}/sysusers.d/tokenwarden.conf"
        DESTINATION "${TOKENWARDEN_SYSUSERS_DIR}")
install(FILES "${TOKENWARDEN_SYSTEMD_DIR}/tmpfiles.d/tokenwarden.conf"
        DESTINATION "${TOKENWARDEN_TMPFILES_DIR}")

# Configuration: the example configuration and the baseline policy, edited in place by the
# administrator (dpkg keeps their changes: conffiles below).
install(FILES "${TOKENWARDEN_SYSTEMD_DIR}/tokenwarden.yaml" DESTINATION "${TOKENWARDEN_CONF_DIR}")
install(FILES "${PROJECT_SOURCE_DIR}/examples/policies/10-baseline.yaml"
        DESTINATION "${TOKENWARDEN_CONF_DIR}/policies.d")
install(FILES "${TOKENWARDEN_SYSTEMD_DIR}/logrotate/tokenwarden" DESTINATION "/etc/logrotate.d")
set(TOKENWARDEN_CONFFILES
    "${TOKENWARDEN_CONF_DIR}/tokenwarden.yaml"
    "${TOKENWARDEN_CONF_DIR}/policies.d/10-baseline.yaml"
    "/etc/logrotate.d/tokenwarden")

# Documentation and examples.
install(FILES "${PROJECT_SOURCE_DIR}/README.md"
              "${PROJECT_SOURCE_DIR}/docs/configuration.md"
              "${PROJECT_SOURCE_DIR}/docs/policy.md"
              "${PROJECT_SOURCE_DIR}/docs/policy.schema.json"
              "${PROJECT_SOURCE_DIR}/docs/audit.md"
        DESTINATION "${TOKENWARDEN_DOC_DIR}")
install(FILES "${TOKENWARDEN_SYSTEMD_DIR}/README.md" DESTINATION "${TOKENWARDEN_DOC_DIR}"
        RENAME "systemd.md")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/examples/policies"
                  "${PROJECT_SOURCE_DIR}/examples/policy-tests"
        DESTINATION "${TOKENWARDEN_DOC_DIR}/examples"
        FILES_MATCHING PATTERN "*.yaml")
install(FILES "${TOKENWARDEN_SYSTEMD_DIR}/tokenwarden.yaml"
        DESTINATION "${TOKENWARDEN_DOC_DIR}/examples")

# ---- CPack: the Debian package ----
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "tokenwarden")
set(CPACK_PACKAGE_VENDOR "tokenwarden")
set(CPACK_PACKAGE_CONTACT "tokenwarden maintainers <tokenwarden@example.net>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "enforces API-token policy on a fleet of cPanel WHM servers")
set(CPACK_PACKAGE_DESCRIPTION
    "tokenwarden lists every API token on every cPanel WHM host it manages, evaluates the\n"
    "security team's YAML policies (maximum age, expiry, allow-lists, forbidden ACLs,\n"
    "exemptions) and reports, fixes or revokes the tokens that violate them, under safety\n"
    "caps, writing a hash-chained audit trail. It runs as a hardened systemd service.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
# The /etc files have absolute destinations: install into the staging directory through
# DESTDIR so that they land in the package, never in the build machine's /etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Library dependencies from the binary itself (dpkg-shlibdeps, package dpkg-dev), plus the
# systemd tools the maintainer scripts run (systemd-sysusers, systemd-tmpfiles, systemctl).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "logrotate")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
list(JOIN TOKENWARDEN_CONFFILES "\n" _tokenwarden_conffiles)
file(WRITE "${PROJECT_BINARY_DIR}/debian/conffiles" "${_tokenwarden_conffiles}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_BINARY_DIR}/debian/conffiles"
    "${TOKENWARDEN_SYSTEMD_DIR}/debian/postinst"
    "${TOKENWARDEN_SYSTEMD_DIR}/debian/prerm"
    "${TOKENWARDEN_SYSTEMD_DIR}/debian/postrm")
include(CPack)
