// Keeps the library non-empty while rooms fill in; reports the version the build was made from.
namespace scidl {
const char* version() { return SCIDL_VERSION; }
}  // namespace scidl
