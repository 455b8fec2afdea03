#pragma once
// A JSON Schema validator for the keywords that function definitions use,
// with the dialects of BFCL and OpenAPI as options. Keywords it does not
// check are reported as "not checked", never passed silently.
//
// Checked: type, enum, const, properties, required, additionalProperties,
// patternProperties, propertyNames, minProperties, maxProperties, items
// (one schema or a tuple), additionalItems, contains, minItems, maxItems,
// uniqueItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
// multipleOf, minLength, maxLength, pattern, allOf, anyOf, oneOf, not,
// if/then/else, nullable (OpenAPI), and boolean schemas. Annotations
// (default, description, title, examples, format, ...) need no check.
// Not checked: see unchecked_keywords().

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace trm::tasks::function_call {

/// Reading rules of a schema dialect.
struct SchemaDialect {
  /// Accept BFCL's and OpenAPI's type aliases: `dict`, `float`, `tuple`,
  /// `any`, and the Java and JavaScript type names of BFCL.
  bool type_aliases = true;
  /// A Java or JavaScript type also accepts a string containing a source
  /// expression (BFCL's expected values for those languages are such strings).
  bool source_strings = false;
  /// Whether 1.0 is an integer: yes in JSON Schema, no in BFCL's checker, which
  /// compares Python types (1.0 is a float).
  bool integral_float_is_integer = true;
  /// Reject keys outside `properties` when `additionalProperties` is absent.
  /// JSON Schema allows them; function definitions list every parameter.
  bool closed_properties = false;
  /// Allow null where the declared `default` is null (Python's None).
  bool null_default_allows_null = false;
  /// An enum of scalars on an array value constrains each element (a BFCL pattern).
  bool enum_applies_to_elements = false;

  /// Strict JSON Schema (draft 7) semantics.
  static SchemaDialect json_schema() { return {false, false, true, false, false, false}; }
  /// The reading used for function definitions and BFCL data.
  static SchemaDialect function_call() { return {true, true, false, true, true, true}; }
};

/// One way a value breaks a schema.
struct SchemaViolation {
  /// The keyword that failed, e.g. `type`, `required`, `maximum`.
  std::string keyword;
  /// Location in the value: `$.unit`, `$.items[2]`.
  std::string path;
  std::string message;
};

/// Outcome of one validation.
struct SchemaCheck {
  std::vector<SchemaViolation> violations;
  /// Keywords met while validating that this validator does not check, as
  /// `keyword at path` (e.g. `$ref at $.location`), in the order met.
  std::vector<std::string> unchecked;

  bool valid() const { return violations.empty(); }
  /// True when every keyword that applied to the value was checked.
  bool complete() const { return unchecked.empty(); }
};

/// Validates `value` against `schema` (an object or a boolean schema). The
/// path of every violation starts with `path`.
SchemaCheck validate_json(const nlohmann::json& value, const nlohmann::json& schema,
                          const SchemaDialect& dialect = SchemaDialect::json_schema(),
                          const std::string& path = "$");

/// Keywords that validate_json() checks.
const std::vector<std::string>& checked_keywords();
/// Keywords that validate_json() recognises but does not check.
const std::vector<std::string>& unchecked_keywords();

}  // namespace trm::tasks::function_call
