#include "law/law.h"

namespace evidex::law {

Result<Law> LoadLaw(const std::vector<SourceFile>& files) {
  std::vector<SourceFile> rule_files;
  const SourceFile* states = nullptr;
  const SourceFile* iso = nullptr;
  for (const SourceFile& f : files) {
    if (f.name.starts_with("law/rules/") && f.name.ends_with(".toml")) {
      rule_files.push_back(f);
    } else if (f.name == "law/registry/states.json") {
      states = &f;
    } else if (f.name == "law/registry/iso3166-1.txt") {
      iso = &f;
    }
  }
  if (rule_files.empty())
    return Err(InvalidArgumentError("no rule files under law/rules/"));
  if (states == nullptr)
    return Err(InvalidArgumentError("law/registry/states.json is missing"));
  if (iso == nullptr)
    return Err(InvalidArgumentError("law/registry/iso3166-1.txt is missing"));
  Law law;
  EVIDEX_ASSIGN_OR_RETURN(law.book, LoadLawBook(rule_files));
  EVIDEX_ASSIGN_OR_RETURN(law.registry, LoadRegistry(*states, *iso, law.book));
  return law;
}

}  // namespace evidex::law
