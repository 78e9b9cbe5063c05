# Every dependency comes from Debian 12's packages (scripts/setup.sh installs them).
find_package(Boost 1.81 REQUIRED COMPONENTS json)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
if(TOKENWARDEN_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# Boost headers trigger some of our warnings; include them as system headers.
add_library(tokenwarden_boost INTERFACE)
target_link_libraries(tokenwarden_boost INTERFACE Boost::headers Boost::json)
target_compile_definitions(tokenwarden_boost INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)
