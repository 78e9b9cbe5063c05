#include "config/source_file.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <system_error>
#include <vector>

namespace tw::config {

std::expected<std::string, std::string> read_source_text(const std::filesystem::path& file,
                                                         std::string_view what) {
  const std::string cannot = "cannot read the " + std::string(what) + ": ";
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    return std::unexpected(cannot + "it does not exist");
  }
  if (!error && !std::filesystem::is_regular_file(status)) {
    return std::unexpected(cannot + "it is not a regular file");
  }
  std::FILE* stream = std::fopen(file.c_str(), "rb");
  if (stream == nullptr) {
    return std::unexpected(cannot + std::generic_category().message(errno));
  }
  std::string text;
  std::array<char, 8192> chunk{};
  std::size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), stream)) > 0 &&
         text.size() <= kMaxSourceBytes) {
    text.append(chunk.data(), n);
  }
  const bool failed = std::ferror(stream) != 0;
  std::fclose(stream);
  if (failed) return std::unexpected(cannot + "read error");
  if (text.size() > kMaxSourceBytes) {
    return std::unexpected("the " + std::string(what) + " is larger than " +
                           std::to_string(kMaxSourceBytes >> 20U) + " MiB");
  }
  return text;
}

std::optional<YAML::Node> parse_single_document(Diagnostics& diagnostics, const std::string& text,
                                                std::string_view what) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::ParserException& e) {  // includes YAML::DeepRecursion
    diagnostics.error(position_of(e.mark), "", "YAML syntax error: " + e.msg);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    diagnostics.file_error("cannot parse the " + std::string(what) + ": " + e.what());
    return std::nullopt;
  }
  if (documents.empty()) return YAML::Node(YAML::NodeType::Null);
  if (documents.size() > 1) {
    diagnostics.error(position_of(documents[1].Mark()), "",
                      "the file holds more than one YAML document; keep only one");
    return std::nullopt;
  }
  return documents.front();
}

}  // namespace tw::config
