# One room's include directory against every room (ctest HouseRules.*, tests/CMakeLists.txt):
# each room it uses is there, and a header of any other room fails to compile from it, because
# the compiler cannot find it. cmake -DCXX= -DROOM= -DINCLUDE_DIR= -DROOMS= -DSEES= -DSRC= -DWORK=
# -P room_includes.cmake
cmake_minimum_required(VERSION 3.22)
file(MAKE_DIRECTORY ${WORK})
foreach(other ${ROOMS})
  file(GLOB_RECURSE headers RELATIVE ${SRC} ${SRC}/${other}/*.h)
  list(SORT headers)
  list(GET headers 0 header)
  if(other IN_LIST SEES)
    if(NOT EXISTS ${INCLUDE_DIR}/scidl/${header})
      message(FATAL_ERROR "${ROOM} uses ${other}, but scidl/${header} is not in ${INCLUDE_DIR}")
    endif()
    continue()
  endif()
  set(probe ${WORK}/${ROOM}_includes_${other}.cpp)
  file(WRITE ${probe} "#include \"scidl/${header}\"\n")
  execute_process(COMMAND ${CXX} -x c++ -fsyntax-only -I${INCLUDE_DIR} ${probe}
                  RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT failed)
    message(FATAL_ERROR "${ROOM} can include scidl/${header}, a room it does not use")
  elseif(NOT out MATCHES "No such file or directory|file not found")
    message(FATAL_ERROR "${ROOM} including scidl/${header} failed, but not for want of it:\n${out}")
  endif()
endforeach()
message(STATUS "${ROOM} sees ${SEES} and no other room")
