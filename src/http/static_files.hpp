// Serves the files of one directory under a URL prefix (e.g. web/precall/ under /precall/):
// index.html for the prefix itself, a content type from the extension, no directory listing,
// and nothing outside the directory (".." segments and symlinks leaving it get 404).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "http/http_types.hpp"

namespace tandem::http {

class StaticFiles {
 public:
  StaticFiles(std::filesystem::path root, std::string url_prefix);
  HttpResponse serve(std::string_view url_path) const;
  static std::string_view content_type_for(const std::filesystem::path& file);
  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  std::filesystem::path root_;
  std::string prefix_;
};

}  // namespace tandem::http
