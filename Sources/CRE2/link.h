// Debian's libre2-dev (Homebrew's re2), found through pkg-config. RE2's API is C++: the
// RE2Matcher target wraps the little MeshLint needs in C; this module only carries the library's
// compiler and linker flags to it.
