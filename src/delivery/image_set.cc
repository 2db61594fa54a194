// `capstan image set`: in-place edit of a kustomization's `images:`.
#include "delivery/image_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "delivery/error.h"
#include "delivery/yaml_positions.h"
#include "kustomize/kustomize.h"
#include "yaml/yaml.h"

namespace capstan::delivery {
namespace {

namespace fs = std::filesystem;

const char kPreserve[] = "*";
const char* const kFields[] = {"newName", "newTag", "digest"};

std::string& FieldOf(ImageEntry& e, std::string_view key) {
  return key == "newName" ? e.new_name : key == "newTag" ? e.new_tag : e.digest;
}

struct Overwrite {
  std::string name, tag, digest;
};

// NAME:TAG where TAG is [a-zA-Z0-9._-]* or `*` (kustomize's ^(.*):([a-zA-Z0-9._-]*|\*)$).
bool SplitTag(const std::string& s, std::string* name, std::string* tag) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  std::string t = s.substr(colon + 1);
  bool ok = t == "*" || std::all_of(t.begin(), t.end(), [](char c) {
              return isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
            });
  if (!ok) return false;
  *name = s.substr(0, colon);
  *tag = t;
  return true;
}

bool SplitOverwrite(const std::string& arg, bool bare_name_ok, Overwrite* out) {
  if (size_t at = arg.find('@'); at != std::string::npos) {
    std::string left = arg.substr(0, at);
    out->digest = arg.substr(at + 1);
    if (!SplitTag(left, &out->name, &out->tag)) out->name = left;
    return !out->digest.empty();
  }
  if (SplitTag(arg, &out->name, &out->tag)) return true;
  if (!arg.empty() && bare_name_ok) {
    out->name = arg;
    return true;
  }
  return false;
}

// A value as a plain scalar when that reads back as the same string, else
// double-quoted.
std::string FormatScalar(const std::string& v, char quote) {
  if (quote == '\'') {
    std::string out = "'";
    for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  bool plain_ok = quote == 0 && !v.empty() && yaml::ResolvePlainTag(v) == yaml::kStrTag &&
                  std::string_view("-?:,[]{}#&*!|>'\"%@`").find(v[0]) == std::string_view::npos &&
                  v.find(": ") == std::string::npos && v.find(" #") == std::string::npos &&
                  v.back() != ':' && v.front() != ' ' && v.back() != ' ' &&
                  v.find_first_of("\n\r\t") == std::string::npos;
  if (plain_ok) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

struct Edit {
  size_t start, end;
  std::string text;
  size_t seq = 0;  // of two inserts at one place, the later one ends up after
};

size_t LineStart(std::string_view t, size_t off) {
  size_t p = t.rfind('\n', off == 0 ? 0 : off - 1);
  return off == 0 || p == std::string_view::npos ? 0 : p + 1;
}
size_t LineEnd(std::string_view t, size_t off) {
  size_t p = t.find('\n', off);
  return p == std::string_view::npos ? t.size() : p + 1;
}

std::string BlockEntry(const ImageEntry& e, size_t dash_indent, size_t key_offset, const std::string& eol) {
  std::string pad(dash_indent, ' '), kpad(dash_indent + key_offset, ' ');
  std::string s = pad + "-" + std::string(key_offset - 1, ' ') + "name: " + FormatScalar(e.name, 0) + eol;
  if (!e.new_name.empty()) s += kpad + "newName: " + FormatScalar(e.new_name, 0) + eol;
  if (!e.new_tag.empty()) s += kpad + "newTag: " + FormatScalar(e.new_tag, 0) + eol;
  if (!e.digest.empty()) s += kpad + "digest: " + FormatScalar(e.digest, 0) + eol;
  return s;
}

// Inside {...}: plain unless the value holds a flow indicator.
std::string FlowScalar(const std::string& v) {
  return v.find_first_of(",[]{}") == std::string::npos ? FormatScalar(v, 0) : FormatScalar(v, '"');
}

std::string FlowEntry(const ImageEntry& e) {
  std::string s = "{name: " + FlowScalar(e.name);
  if (!e.new_name.empty()) s += ", newName: " + FlowScalar(e.new_name);
  if (!e.new_tag.empty()) s += ", newTag: " + FlowScalar(e.new_tag);
  if (!e.digest.empty()) s += ", digest: " + FlowScalar(e.digest);
  return s + "}";
}

const PosNode& RootOf(const std::vector<PosNode>& docs, const std::string& file) {
  if (docs.size() != 1 || docs[0].kind != PosNode::kMapping) {
    throw Error(file + ": not a kustomization (expected one YAML mapping)");
  }
  const PosNode& root = docs[0];
  if (const PosNode* kind = root.Get("kind")) {
    if (kind->value != "Kustomization" && kind->value != "Component") {
      throw Error(file + ": kind: " + kind->value + " is not a Kustomization");
    }
  }
  if (const PosNode* api = root.Get("apiVersion")) {
    if (api->value.rfind("kustomize.config.k8s.io/", 0) != 0) {
      throw Error(file + ": apiVersion: " + api->value + " is not a kustomize.config.k8s.io version");
    }
  }
  return root;
}

ImageEntry EntryOf(const PosNode& item, size_t index, const std::string& file) {
  std::string where = file + ": images[" + std::to_string(index) + "]";
  if (item.kind != PosNode::kMapping) throw Error(where + ": expected a mapping with name");
  ImageEntry e;
  for (size_t i = 0; i + 1 < item.items.size(); i += 2) {
    const PosNode& k = item.items[i];
    const PosNode& v = item.items[i + 1];
    if (k.kind != PosNode::kScalar || v.kind != PosNode::kScalar) {
      throw Error(where + ": expected scalar fields (aliases and nested values are not supported)");
    }
    if (k.value == "name") e.name = v.value;
    else if (k.value == "newName") e.new_name = v.value;
    else if (k.value == "newTag") e.new_tag = v.value;
    else if (k.value == "digest") e.digest = v.value;
    else if (k.value == "tagSuffix") continue;
    else throw Error(where + "." + k.value + ": unknown field");
  }
  if (e.name.empty()) throw Error(where + ".name: missing");
  return e;
}

std::vector<ImageEntry> EntriesOf(const PosNode* images, const std::string& file) {
  std::vector<ImageEntry> out;
  if (images == nullptr || (images->kind == PosNode::kScalar && images->plain &&
                            (images->value.empty() || images->value == "~" || images->value == "null"))) {
    return out;
  }
  if (images->kind != PosNode::kSequence) throw Error(file + ": images: expected a list");
  for (size_t i = 0; i < images->items.size(); ++i) out.push_back(EntryOf(images->items[i], i, file));
  return out;
}

std::string ImageNameOf(std::string image) {
  if (size_t at = image.find('@'); at != std::string::npos) image.resize(at);
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) image.resize(colon);
  return image;
}

void CollectImages(const yaml::Node& n, std::set<std::string>* out, int depth) {
  if (depth > 64) return;
  if (n.IsMap()) {
    const yaml::Node* image = n.Get("image");
    if (image != nullptr && image->IsScalar() && n.Has("name")) out->insert(ImageNameOf(image->value));
    for (const yaml::Field& f : n.fields) CollectImages(f.value, out, depth + 1);
  } else if (n.IsSeq()) {
    for (const yaml::Node& i : n.items) CollectImages(i, out, depth + 1);
  }
}

}  // namespace

ImageEntry ParseImageArg(const std::string& arg) {
  ImageEntry e;
  Overwrite o;
  size_t eq = arg.find('=');
  bool ok;
  if (eq != std::string::npos && arg.find('=', eq + 1) == std::string::npos) {
    e.name = arg.substr(0, eq);
    ok = SplitOverwrite(arg.substr(eq + 1), true, &o);
    e.new_name = o.name;
  } else {
    ok = SplitOverwrite(arg, false, &o);
    e.name = o.name;
  }
  e.new_tag = o.tag;
  e.digest = o.digest;
  if (!ok || e.name.empty()) {
    throw Error("image argument \"" + arg +
                "\": expected NAME:TAG, NAME@DIGEST, NAME:TAG@DIGEST or NAME=NEWNAME[:TAG][@DIGEST]");
  }
  return e;
}

std::string FindKustomizationFile(const std::string& dir) {
  std::vector<std::string> found;
  for (const char* n : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    std::error_code ec;
    fs::path p = fs::path(dir) / n;
    if (fs::is_regular_file(p, ec)) found.push_back(p.string());
  }
  if (found.empty()) {
    throw Error(dir + ": not a kustomization directory (no kustomization.yaml, kustomization.yml or Kustomization)");
  }
  if (found.size() > 1) throw Error(dir + ": more than one kustomization file (" + found[0] + ", " + found[1] + ")");
  return found[0];
}

std::vector<ImageEntry> ReadImages(std::string_view text, const std::string& file) {
  std::vector<PosNode> docs = ParsePositions(text, file);
  const PosNode& root = RootOf(docs, file);
  return EntriesOf(root.Get("images"), file);
}

std::string EditImages(std::string_view text, const std::vector<ImageEntry>& args, const std::string& file) {
  std::vector<PosNode> docs = ParsePositions(text, file);
  const PosNode& root = RootOf(docs, file);
  const PosNode* images = root.Get("images");
  std::vector<ImageEntry> existing = EntriesOf(images, file);
  std::string eol = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";

  // What each named entry becomes (the last argument of a name wins).
  std::map<std::string, ImageEntry> wanted;
  std::vector<std::string> order;
  for (const ImageEntry& a : args) {
    if (!wanted.count(a.name)) order.push_back(a.name);
    wanted[a.name] = a;
  }
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < existing.size(); ++i) index_of.emplace(existing[i].name, i);
  for (auto& [name, w] : wanted) {
    const ImageEntry* old = index_of.count(name) ? &existing[index_of[name]] : nullptr;
    for (const char* f : kFields) {
      std::string& v = FieldOf(w, f);
      if (v == kPreserve) v = old ? FieldOf(const_cast<ImageEntry&>(*old), f) : "";
    }
  }

  std::vector<Edit> edits;
  std::vector<ImageEntry> added;
  for (const std::string& name : order) {
    if (!index_of.count(name)) added.push_back(wanted[name]);
  }
  bool block = images != nullptr && images->kind == PosNode::kSequence && !images->flow;

  if (images != nullptr && images->kind == PosNode::kSequence && images->flow) {
    // A flow list is rewritten whole, still as a flow list.
    std::string s = "[";
    for (size_t i = 0; i < existing.size(); ++i) {
      const ImageEntry& e = wanted.count(existing[i].name) ? wanted[existing[i].name] : existing[i];
      s += (i ? ", " : "") + FlowEntry(e);
    }
    for (size_t i = 0; i < added.size(); ++i) s += (existing.empty() && i == 0 ? "" : ", ") + FlowEntry(added[i]);
    edits.push_back({images->start, images->end, s + "]"});
  } else if (block) {
    size_t dash = images->column;
    size_t key_offset = 2;
    for (size_t i = 0; i < images->items.size(); ++i) {
      const PosNode& item = images->items[i];
      if (item.kind == PosNode::kMapping && !item.flow && item.column > dash) {
        key_offset = item.column - dash;
        break;
      }
    }
    for (size_t i = 0; i < images->items.size(); ++i) {
      const PosNode& item = images->items[i];
      auto w = wanted.find(existing[i].name);
      if (w == wanted.end()) continue;
      const ImageEntry& want = w->second;
      std::vector<Edit> item_edits;
      bool rewrite = false;
      size_t last_line_end = LineEnd(text, item.LastEnd() == 0 ? 0 : item.LastEnd() - 1);
      std::string inserts;
      for (const char* f : kFields) {
        const std::string& v = FieldOf(const_cast<ImageEntry&>(want), f);
        const PosNode* cur = nullptr;
        size_t key_index = 0;
        for (size_t k = 0; k + 1 < item.items.size(); k += 2) {
          if (item.items[k].value == f) {
            cur = &item.items[k + 1];
            key_index = k;
          }
        }
        if (cur != nullptr && cur->value == v) continue;
        if (cur != nullptr && !v.empty()) {
          if (!cur->plain && cur->quote == 0) {
            rewrite = true;
            break;
          }
          item_edits.push_back({cur->start, cur->end, FormatScalar(v, cur->quote)});
        } else if (cur != nullptr) {  // drop the field
          const PosNode& key = item.items[key_index];
          if (item.flow || key_index == 0 || key.line == images->line) {
            rewrite = true;
            break;
          }
          size_t from = LineStart(text, key.start);
          size_t to = LineEnd(text, cur->end == 0 ? 0 : cur->end - 1);
          item_edits.push_back({from, to, ""});
        } else if (!v.empty()) {
          inserts += std::string(dash + key_offset, ' ') + f + ": " + FormatScalar(v, 0) + eol;
        }
      }
      if (item.flow && (rewrite || !inserts.empty())) {
        edits.push_back({item.start, item.end, FlowEntry(want)});
        continue;
      }
      if (rewrite) {
        std::string s = BlockEntry(want, dash, key_offset, eol);
        // Starts after "- " on the item's first line, ends with the item's last line.
        size_t from = item.start;
        size_t to = last_line_end;
        s = s.substr(s.find("name:"));
        if (to == text.size() && (text.empty() || text.back() != '\n')) {
          while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
        }
        edits.push_back({from, to, s});
        continue;
      }
      for (Edit& e : item_edits) edits.push_back(std::move(e));
      if (!inserts.empty()) {
        if (last_line_end == text.size() && (text.empty() || text.back() != '\n')) inserts = eol + inserts;
        edits.push_back({last_line_end, last_line_end, inserts});
      }
    }
    if (!added.empty()) {
      size_t at = LineEnd(text, images->LastEnd() == 0 ? 0 : images->LastEnd() - 1);
      std::string s;
      if (at == text.size() && (text.empty() || text.back() != '\n')) s = eol;
      for (const ImageEntry& e : added) s += BlockEntry(e, dash, key_offset, eol);
      edits.push_back({at, at, s});
    }
  } else {
    // No images: (or an empty one): a block list after the key.
    std::string s;
    for (const ImageEntry& e : added) s += BlockEntry(e, images ? root.items[0].column : 0, 2, eol);
    if (added.empty()) return std::string(text);
    if (images == nullptr) {
      std::string head;
      if (!text.empty() && text.back() != '\n') head = eol;
      edits.push_back({text.size(), text.size(), head + "images:" + eol + s});
    } else {
      const PosNode* key = nullptr;
      for (size_t k = 0; k + 1 < root.items.size(); k += 2) {
        if (&root.items[k + 1] == images) key = &root.items[k];
      }
      if (images->start != images->end) edits.push_back({images->start, images->end, ""});
      size_t at = LineEnd(text, key->end);
      if (at == text.size() && (text.empty() || text.back() != '\n')) s = eol + s;
      edits.push_back({at, at, s});
    }
  }

  for (size_t i = 0; i < edits.size(); ++i) edits[i].seq = i;
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
    if (a.start != b.start) return a.start > b.start;
    if (a.end != b.end) return a.end > b.end;
    return a.seq > b.seq;
  });
  std::string out(text);
  for (const Edit& e : edits) out.replace(e.start, e.end - e.start, e.text);

  // The edit must read back as intended; anything else is a bug, not a file to write.
  std::vector<ImageEntry> check = ReadImages(out, file);
  for (const auto& entry : wanted) {
    const std::string& name = entry.first;
    const ImageEntry& w = entry.second;
    auto it = std::find_if(check.begin(), check.end(), [&](const ImageEntry& e) { return e.name == name; });
    if (it == check.end() || it->new_name != w.new_name || it->new_tag != w.new_tag || it->digest != w.digest) {
      throw Error(file + ": images: internal error editing the entry of " + name + " (file left unchanged)");
    }
  }
  return out;
}

std::vector<std::string> RenderedImageNames(const std::string& dir) {
  std::vector<yaml::Node> objects;
  try {
    objects = kustomize::Render(dir);
  } catch (const std::exception& e) {
    throw Error("cannot tell which images " + dir + " uses (" + e.what() + "); --allow-new skips this check");
  }
  std::set<std::string> names;
  for (const yaml::Node& o : objects) CollectImages(o, &names, 0);
  return {names.begin(), names.end()};
}

FileChange PlanImageSet(const std::string& dir, const std::vector<ImageEntry>& args,
                        const ImageSetOptions& options) {
  if (args.empty()) throw Error("no image given (NAME:TAG, NAME@DIGEST or NAME=NEWNAME:TAG)");
  FileChange c;
  c.path = FindKustomizationFile(dir);
  c.before = ReadFile(c.path);
  std::vector<ImageEntry> existing = ReadImages(c.before, c.path);
  if (!options.allow_new) {
    std::vector<std::string> rendered;
    bool rendered_done = false;
    for (const ImageEntry& a : args) {
      bool known = std::any_of(existing.begin(), existing.end(),
                               [&](const ImageEntry& e) { return e.name == a.name; });
      if (known) continue;
      if (!rendered_done) {
        rendered = RenderedImageNames(dir);
        rendered_done = true;
      }
      if (std::find(rendered.begin(), rendered.end(), a.name) == rendered.end()) {
        std::string used;
        for (const std::string& r : rendered) used += (used.empty() ? "" : ", ") + r;
        throw Error(c.path + ": images: unknown image " + a.name + " (no images: entry, and no container of `" +
                    dir + "` uses it; images used: " + (used.empty() ? "none" : used) +
                    "; --allow-new adds it anyway)");
      }
    }
  }
  c.after = EditImages(c.before, args, c.path);
  return c;
}

}  // namespace capstan::delivery
