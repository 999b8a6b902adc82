// File: kit/version.h
//
// The version of svlisten, the same for every listener (--version,
// svlisten_build_info).

#ifndef SVL_KIT_VERSION_H_
#define SVL_KIT_VERSION_H_

namespace svl {
namespace kit {

// kSvlistenVersion is the package's version.
inline constexpr char kSvlistenVersion[] = "0.1.0";

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_VERSION_H_
