#include "cli/route.h"

#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "law/decision_json.h"
#include "law/engine.h"
#include "law/law.h"
#include "law/query.h"

namespace evidex::cli {
namespace {

namespace fs = std::filesystem;

// Reads at most `limit` + 1 bytes, so that an oversized input is recognised
// without reading it all.
std::string ReadBounded(std::istream& in, std::size_t limit) {
  std::string text(limit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

Result<std::string> ReadFile(const fs::path& path, std::size_t limit) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Err(NotFoundError("cannot read `" + path.string() + "`"));
  std::string text = ReadBounded(f, limit);
  if (text.size() > limit) {
    return Err(ResourceExhaustedError("`" + path.string() +
                                      "` is larger than " +
                                      std::to_string(limit) + " bytes"));
  }
  return text;
}

Result<std::vector<law::SourceFile>> ReadLawDir(const fs::path& dir) {
  constexpr std::size_t kMaxLawFile = 8 << 20;
  std::vector<law::SourceFile> files;
  std::error_code ec;
  std::vector<fs::path> rules;
  for (const auto& e : fs::directory_iterator(dir / "rules", ec)) {
    if (e.path().extension() == ".toml") rules.push_back(e.path());
  }
  if (ec)
    return Err(NotFoundError("cannot list `" + (dir / "rules").string() + "`"));
  std::sort(rules.begin(), rules.end());
  for (const fs::path& p : rules) {
    EVIDEX_ASSIGN_OR_RETURN(std::string text, ReadFile(p, kMaxLawFile));
    files.push_back({"law/rules/" + p.filename().string(), std::move(text)});
  }
  for (const char* name : {"registry/states.json", "registry/iso3166-1.txt"}) {
    EVIDEX_ASSIGN_OR_RETURN(std::string text,
                            ReadFile(dir / name, kMaxLawFile));
    files.push_back({std::string("law/") + name, std::move(text)});
  }
  return files;
}

}  // namespace

int RunRoute(const RouteOptions& options, std::istream& in, std::ostream& out,
             std::ostream& err, const Clock& clock) {
  Result<law::Law> loaded = Err(InternalError("not loaded"));
  if (options.law_dir.empty()) {
    loaded = law::LoadLaw(law::EmbeddedLawFiles());
  } else {
    auto files = ReadLawDir(options.law_dir);
    if (!files) {
      err << "evidex route: " << files.error().message() << "\n";
      return 1;
    }
    loaded = law::LoadLaw(*files);
  }
  if (!loaded) {
    err << "evidex route: the law does not load: " << loaded.error().message()
        << "\n";
    return 1;
  }

  std::string text;
  if (options.query_path == "-") {
    text = ReadBounded(in, law::kMaxQueryBytes);
  } else {
    auto read = ReadFile(options.query_path, law::kMaxQueryBytes);
    if (!read) {
      err << "evidex route: invalid query: " << read.error().message() << "\n";
      return 2;
    }
    text = std::move(*read);
  }
  auto query = law::ParseQuery(text, loaded->book, loaded->registry,
                               DateOf(clock.Now()));
  if (!query) {
    err << "evidex route: invalid query: " << query.error().message() << "\n";
    return 2;
  }
  law::Decision decision = law::Decide(loaded->book, loaded->registry, *query);
  std::string json;
  law::AppendDecisionJson(loaded->book, decision, json);
  json.push_back('\n');
  out << json;
  out.flush();
  return out ? 0 : 1;
}

}  // namespace evidex::cli
