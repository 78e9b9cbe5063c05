# Project-wide compiler flags: warnings everywhere, fatal when TOKENWARDEN_WERROR is on (CI),
# and the address + undefined sanitizers when TOKENWARDEN_SANITIZE is on. (-Wnull-dereference
# is left out: at -O2 it fires inside Boost.Asio's inlined headers, where it cannot be silenced.)
add_library(tokenwarden_flags INTERFACE)
target_compile_options(tokenwarden_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  -Wformat=2)
if(TOKENWARDEN_WERROR)
  target_compile_options(tokenwarden_flags INTERFACE -Werror)
endif()
if(TOKENWARDEN_SANITIZE)
  target_compile_options(tokenwarden_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(tokenwarden_flags INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(tokenwarden_flags INTERFACE ${CMAKE_SOURCE_DIR})
