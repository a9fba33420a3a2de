// The law as the program uses it: the law book and the registry, loaded
// together.
//
// The files under `law/` (rule files `rules/*.toml`, `registry/states.json`,
// `registry/iso3166-1.txt`) are compiled into the binary; LoadLaw can also take
// them from a directory laid out the same way (`evidex route --law DIR`), so
// that a lawyer's edit can be tried without a rebuild.
#ifndef EVIDEX_LAW_LAW_H_
#define EVIDEX_LAW_LAW_H_

#include <vector>

#include "core/status.h"
#include "law/lawbook.h"
#include "law/registry.h"

namespace evidex::law {

struct Law {
  LawBook book;
  Registry registry;
};

// The law files compiled into the binary, named `law/rules/...` and
// `law/registry/...`.
const std::vector<SourceFile>& EmbeddedLawFiles();

// Builds the law from files named as EmbeddedLawFiles names them: every
// `law/rules/*.toml` is a rule file; `law/registry/states.json` and
// `law/registry/iso3166-1.txt` are required.
Result<Law> LoadLaw(const std::vector<SourceFile>& files);

}  // namespace evidex::law

#endif  // EVIDEX_LAW_LAW_H_
