// Small files written whole and durably (keys, key names), and read back.
//
// WriteFileDurably writes a temporary file beside `path` with mode 0600,
// fsyncs it, renames it over `path` and fsyncs the directory: after it returns
// OK the new contents survive a crash, and a crash before leaves the old file
// (or none) whole. Errors are kUnavailable naming the file.
//
// Thread safety: the functions may run concurrently on different paths.
#ifndef EVIDEX_CORE_FILE_H_
#define EVIDEX_CORE_FILE_H_

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace evidex {

Status WriteFileDurably(const std::filesystem::path& path,
                        std::string_view bytes);

// Makes the file `from` durable, renames it to `to` (replacing nothing: `to`
// must not exist, else kAlreadyExists) and makes the rename durable (fsync of
// `to`'s directory). Both must be on one file system. kNotFound when `from`
// does not exist; kUnavailable for other I/O errors.
Status MoveFileDurably(const std::filesystem::path& from,
                       const std::filesystem::path& to);

// The whole file. kNotFound when it does not exist; kResourceExhausted when it
// is larger than `max_bytes`; kUnavailable when it cannot be read.
Result<std::string> ReadSmallFile(const std::filesystem::path& path,
                                  std::size_t max_bytes);

}  // namespace evidex

#endif  // EVIDEX_CORE_FILE_H_
