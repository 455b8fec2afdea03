#include "trm/tasks/function_call/generator.h"

#include "random_draw.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

namespace trm::tasks::function_call {

namespace {

// ---------------------------------------------------------------------------
// The tools and their query templates.

struct ParameterSpec {
  std::string name;
  // BFCL type name: string, integer, float, boolean or array.
  std::string type;
  std::string description;
  bool required;
  // Value pool of the slot (see value_pools()); empty for enums and for
  // booleans, which templates set through their wording.
  std::string pool;
  std::vector<std::string> enum_values = {};
  // Item type of an array.
  std::string item_type = {};
};

struct TemplateSpec {
  // Query text; `{name}` is replaced by the value drawn for parameter `name`.
  std::string text;
  // Arguments the wording implies, as JSON text ("nonstop" in the text sets
  // nonstop to true).
  std::map<std::string, std::string> implied = {};
};

struct ToolSpec {
  std::string name;
  std::string description;
  std::vector<ParameterSpec> parameters;
  std::vector<TemplateSpec> templates;
};

const std::vector<ToolSpec>& tool_specs() {
  static const std::vector<ToolSpec> specs = {
      {"get_weather", "Current weather and forecast for a city.",
       {{"location", "string", "City name.", true, "city"},
        {"unit", "string", "Temperature unit.", false, "", {"celsius", "fahrenheit"}},
        {"days", "integer", "Number of forecast days.", false, "days"}},
       {{"What's the weather in {location} right now?"},
        {"Give me a {days}-day forecast for {location}."},
        {"How warm will it be in {location} over the next {days} days, in {unit}?"},
        {"Is it cold in {location} today? Answer in {unit}."}}},

      {"currency.convert", "Convert an amount between currencies.",
       {{"amount", "float", "Amount to convert.", true, "amount"},
        {"from_currency", "string", "ISO code of the source currency.", true, "currency"},
        {"to_currency", "string", "ISO code of the target currency.", true, "currency"}},
       {{"Convert {amount} {from_currency} to {to_currency}."},
        {"How much is {amount} {from_currency} in {to_currency}?"},
        {"I have {amount} {from_currency}. What is that in {to_currency}?"}}},

      {"search_flights", "Search flights between two cities.",
       {{"origin", "string", "Departure city.", true, "city"},
        {"destination", "string", "Arrival city.", true, "city"},
        {"date", "string", "Departure date, YYYY-MM-DD.", true, "date"},
        {"passengers", "integer", "Number of passengers.", false, "small_count"},
        {"cabin", "string", "Cabin class.", false, "", {"economy", "premium", "business", "first"}},
        {"nonstop", "boolean", "Only nonstop flights.", false, ""}},
       {{"Find flights from {origin} to {destination} on {date}."},
        {"Search {cabin} flights from {origin} to {destination} on {date} for {passengers} people."},
        {"I need a nonstop flight from {origin} to {destination} on {date}.", {{"nonstop", "true"}}},
        {"Any flights from {origin} to {destination} on {date} for {passengers} passengers?"}}},

      {"calendar.create_event", "Create a calendar event.",
       {{"title", "string", "Event title.", true, "event_title"},
        {"date", "string", "Date, YYYY-MM-DD.", true, "date"},
        {"start_time", "string", "Start time, HH:MM.", true, "time"},
        {"duration_minutes", "integer", "Length in minutes.", false, "duration"},
        {"attendees", "array", "Email addresses of the attendees.", false, "email", {}, "string"}},
       {{"Schedule \"{title}\" on {date} at {start_time}."},
        {"Add {title} to my calendar on {date} at {start_time} for {duration_minutes} minutes."},
        {"Create a meeting called {title} on {date} at {start_time} with {attendees}."}}},

      {"convert_length", "Convert a length between units.",
       {{"value", "float", "Length to convert.", true, "length"},
        {"from_unit", "string", "Unit of the value.", true, "", {"kilometers", "miles", "meters", "feet"}},
        {"to_unit", "string", "Unit of the result.", true, "", {"kilometers", "miles", "meters", "feet"}}},
       {{"Convert {value} {from_unit} to {to_unit}."},
        {"How many {to_unit} are in {value} {from_unit}?"},
        {"What is {value} {from_unit} in {to_unit}?"}}},

      {"stocks.get_quote", "Latest stock price for a ticker symbol.",
       {{"symbol", "string", "Ticker symbol.", true, "ticker"},
        {"exchange", "string", "Stock exchange.", false, "", {"NASDAQ", "NYSE", "LSE"}},
        {"include_history", "boolean", "Add the price history.", false, ""}},
       {{"What's the current price of {symbol}?"},
        {"Get the {exchange} quote for {symbol}."},
        {"Show the {symbol} stock price with its price history.", {{"include_history", "true"}}}}},

      {"translate_text", "Translate text into another language.",
       {{"text", "string", "Text to translate.", true, "phrase"},
        {"target_language", "string", "Language to translate into.", true, "language"},
        {"source_language", "string", "Language of the text.", false, "language"},
        {"formal", "boolean", "Use a formal register.", false, ""}},
       {{"Translate \"{text}\" into {target_language}."},
        {"Translate \"{text}\" from {source_language} to {target_language}."},
        {"Give me a formal {target_language} translation of \"{text}\".", {{"formal", "true"}}}}},

      {"create_reminder", "Create a reminder.",
       {{"message", "string", "What to be reminded of.", true, "chore"},
        {"date", "string", "Date, YYYY-MM-DD.", true, "date"},
        {"time", "string", "Time, HH:MM.", false, "time"},
        {"repeat", "string", "Repetition.", false, "", {"daily", "weekly", "monthly"}}},
       {{"Remind me to {message} on {date}."},
        {"Set a {repeat} reminder to {message} starting {date} at {time}."},
        {"Remind me on {date} at {time} to {message}."}}},

      {"find_restaurants", "Find restaurants in a city.",
       {{"city", "string", "City name.", true, "city"},
        {"cuisine", "string", "Type of food.", false, "cuisine"},
        {"max_price", "integer", "Highest price level, 1 to 4.", false, "price_level"},
        {"open_now", "boolean", "Only places open now.", false, ""}},
       {{"Find {cuisine} restaurants in {city}."},
        {"Which {cuisine} places in {city} are open now?", {{"open_now", "true"}}},
        {"Show restaurants in {city} with a price level of at most {max_price}."},
        {"Show restaurants in {city}."}}},

      {"math.compound_interest", "Future value of an amount with compound interest.",
       {{"principal", "float", "Initial amount.", true, "principal"},
        {"rate", "float", "Annual rate as a fraction (0.05 for 5%).", true, "rate"},
        {"years", "integer", "Number of years.", true, "years"},
        {"compounds_per_year", "integer", "Compounding periods per year.", false, "compounds"}},
       {{"What does {principal} grow to at a rate of {rate} over {years} years?"},
        {"Compound interest on {principal} at rate {rate} for {years} years, {compounds_per_year} times a year?"},
        {"Invest {principal} for {years} years at an annual rate of {rate}. What is it worth then?"}}},

      {"book_hotel", "Book a hotel room.",
       {{"city", "string", "City name.", true, "city"},
        {"check_in", "string", "Arrival date, YYYY-MM-DD.", true, "date"},
        {"nights", "integer", "Number of nights.", true, "nights"},
        {"guests", "integer", "Number of guests.", false, "small_count"},
        {"room_type", "string", "Room type.", false, "", {"single", "double", "suite"}}},
       {{"Book a hotel in {city} from {check_in} for {nights} nights."},
        {"I need a {room_type} room in {city} for {nights} nights from {check_in}."},
        {"Reserve a hotel in {city} for {guests} guests, {nights} nights from {check_in}."}}},

      {"send_email", "Send an email.",
       {{"to", "string", "Recipient address.", true, "email"},
        {"subject", "string", "Subject line.", true, "subject"},
        {"body", "string", "Message text.", false, "body"},
        {"cc", "array", "Addresses to copy.", false, "email", {}, "string"}},
       {{"Email {to} with the subject \"{subject}\"."},
        {"Send an email to {to} about \"{subject}\" and copy {cc}."},
        {"Write to {to}, subject \"{subject}\", saying \"{body}\"."}}},

      {"get_directions", "Route between two places.",
       {{"origin", "string", "Start.", true, "place"},
        {"destination", "string", "End.", true, "place"},
        {"mode", "string", "Travel mode.", false, "", {"driving", "walking", "cycling", "transit"}},
        {"avoid_tolls", "boolean", "Avoid toll roads.", false, ""}},
       {{"How do I get from {origin} to {destination}?"},
        {"Give me {mode} directions from {origin} to {destination}."},
        {"Show a driving route from {origin} to {destination} without tolls.",
         {{"mode", "\"driving\""}, {"avoid_tolls", "true"}}}}},

      {"get_local_time", "Current local time in a city.",
       {{"city", "string", "City name.", true, "city"},
        {"format", "string", "Clock format.", false, "", {"12h", "24h"}}},
       {{"What time is it in {city}?"},
        {"Tell me the time in {city} in {format} format."},
        {"What's the local time in {city} right now?"}}},

      {"nutrition.lookup", "Nutrition facts of a food.",
       {{"food", "string", "Food name.", true, "food"},
        {"grams", "integer", "Portion in grams.", false, "grams"}},
       {{"How many calories are in {food}?"},
        {"Nutrition facts for {grams} grams of {food}."},
        {"How much protein does {grams} g of {food} have?"}}},

      {"news.search", "Search news articles.",
       {{"topic", "string", "What the news is about.", true, "topic"},
        {"language", "string", "Language code.", false, "", {"en", "de", "fr", "es"}},
        {"max_results", "integer", "Number of articles.", false, "max_results"}},
       {{"Find news about {topic}."},
        {"Show {max_results} news articles on {topic}."},
        {"Search news about {topic} in language {language}."}}},

      {"math.sort_numbers", "Sort a list of numbers.",
       {{"numbers", "array", "Numbers to sort.", true, "number", {}, "float"},
        {"descending", "boolean", "Largest first.", false, ""}},
       {{"Sort these numbers: {numbers}."},
        {"Sort {numbers} from largest to smallest.", {{"descending", "true"}}},
        {"Put {numbers} in ascending order."}}},

      {"music.play_song", "Play a song.",
       {{"title", "string", "Song title.", true, "song"},
        {"artist", "string", "Performer.", false, "artist"},
        {"shuffle", "boolean", "Shuffle after the song.", false, ""}},
       {{"Play {title} by {artist}."},
        {"Play the song {title}."},
        {"Put on {title} and then shuffle.", {{"shuffle", "true"}}}}},

      {"math.percentage", "A percentage of a value.",
       {{"value", "float", "The whole.", true, "whole"},
        {"percent", "float", "The percentage, 0 to 100.", true, "percent"}},
       {{"What is {percent} percent of {value}?"},
        {"Calculate {percent}% of {value}."},
        {"How much is {percent}% of {value}?"}}},

      {"tasks.add_todo", "Add a task to the to-do list.",
       {{"title", "string", "Task.", true, "todo"},
        {"priority", "string", "Priority.", false, "", {"low", "medium", "high"}},
        {"due_date", "string", "Due date, YYYY-MM-DD.", false, "date"},
        {"tags", "array", "Labels.", false, "tag", {}, "string"}},
       {{"Add \"{title}\" to my to-do list."},
        {"Add a {priority} priority task to {title}, due {due_date}."},
        {"Create a to-do \"{title}\" tagged {tags}."}}},
  };
  return specs;
}

const std::map<std::string, std::vector<std::string>>& value_pools() {
  static const std::map<std::string, std::vector<std::string>> pools = {
      {"city", {"Paris", "Rome", "Tokyo", "Berlin", "Madrid", "Lisbon", "Chicago", "Toronto", "Sydney", "Cairo",
                "Oslo", "Seoul", "Boston", "Denver", "Dublin", "Prague", "Vienna", "Athens", "Lima", "Nairobi"}},
      {"date", {"2025-01-14", "2025-02-03", "2025-03-21", "2025-04-09", "2025-05-30", "2025-06-12", "2025-07-04",
                "2025-08-18", "2025-09-27", "2025-10-05", "2025-11-11", "2025-12-19"}},
      {"time", {"08:00", "09:30", "11:15", "13:00", "14:45", "16:30", "18:00", "20:15"}},
      {"currency", {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK"}},
      {"amount", {"25", "80", "99.5", "150", "249.99", "500", "1200", "3400.75"}},
      {"days", {"2", "3", "4", "5", "7"}},
      {"small_count", {"1", "2", "3", "4"}},
      {"nights", {"1", "2", "3", "4", "5", "7"}},
      {"duration", {"15", "30", "45", "60", "90"}},
      {"event_title", {"team sync", "budget review", "dentist visit", "project kickoff", "lunch with Sam",
                       "yoga class"}},
      {"email", {"anna@example.com", "ben@example.org", "chen@example.net", "dana@example.com", "eli@example.org"}},
      {"length", {"3", "5.5", "10", "42.195", "100", "250"}},
      {"ticker", {"AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "GOOGL", "IBM"}},
      {"phrase", {"good morning", "where is the station", "thank you very much", "see you tomorrow",
                  "how much does it cost"}},
      {"language", {"French", "German", "Spanish", "Italian", "Japanese", "Portuguese", "English"}},
      {"chore", {"call the plumber", "pay the rent", "water the plants", "renew my passport", "book a haircut",
                 "submit the report"}},
      {"cuisine", {"thai", "italian", "sushi", "mexican", "indian", "vegan"}},
      {"price_level", {"1", "2", "3", "4"}},
      {"principal", {"750", "1000", "2500", "5000", "10000"}},
      {"rate", {"0.02", "0.035", "0.04", "0.05", "0.065"}},
      {"years", {"2", "3", "5", "10", "15"}},
      {"compounds", {"1", "4", "12"}},
      {"subject", {"Quarterly report", "Dinner on Friday", "Invoice 1042", "Trip plans"}},
      {"body", {"see you at noon", "the file is attached", "running ten minutes late"}},
      {"place", {"Union Station", "City Hall", "Grand Park", "Harbor Bridge", "Main Library", "Riverside Mall"}},
      {"food", {"banana", "oatmeal", "grilled chicken", "brown rice", "avocado", "greek yogurt"}},
      {"grams", {"100", "150", "200", "250"}},
      {"topic", {"electric cars", "climate policy", "the Olympics", "space launches", "interest rates"}},
      {"max_results", {"3", "5", "10"}},
      {"number", {"4.5", "2", "9.25", "7", "13", "0.5", "21", "3.75"}},
      {"song", {"Yesterday", "Clair de Lune", "Hotel California", "Bohemian Rhapsody", "Imagine", "Dancing Queen"}},
      {"artist", {"The Beatles", "Debussy", "Eagles", "Queen", "John Lennon", "ABBA"}},
      {"whole", {"80", "240", "1250", "64.5", "3000"}},
      {"percent", {"5", "12.5", "15", "20", "33", "75"}},
      {"todo", {"renew the car insurance", "clean the garage", "plan the party", "fix the bike"}},
      {"tag", {"home", "work", "errands", "urgent", "family"}},
  };
  return pools;
}

// ---------------------------------------------------------------------------
// Tool definitions.

json tool_definition(const ToolSpec& spec) {
  json properties = json::object();
  json required = json::array();
  for (const ParameterSpec& parameter : spec.parameters) {
    json property = {{"type", parameter.type}, {"description", parameter.description}};
    if (!parameter.enum_values.empty()) property["enum"] = parameter.enum_values;
    if (!parameter.item_type.empty()) property["items"] = {{"type", parameter.item_type}};
    properties[parameter.name] = property;
    if (parameter.required) required.push_back(parameter.name);
  }
  return {{"name", spec.name},
          {"description", spec.description},
          {"parameters", {{"type", "dict"}, {"properties", properties}, {"required", required}}}};
}

const std::vector<json>& tool_definitions() {
  static const std::vector<json> definitions = [] {
    std::vector<json> list;
    for (const ToolSpec& spec : tool_specs()) list.push_back(tool_definition(spec));
    return list;
  }();
  return definitions;
}

// ---------------------------------------------------------------------------
// Filling a template.

// A drawn call: the query sentence and the call it requests.
struct Instance {
  std::string sentence;
  Call call;
  std::size_t tool;
};

json typed_value(const std::string& text, const std::string& type) {
  if (type == "integer") return json(std::stoll(text));
  if (type == "float") return json(std::stod(text));
  return json(text);
}

// Writes a list as query text: "a, b and c" for words, "1, 2, 3" for numbers.
std::string list_text(const std::vector<std::string>& items, bool numbers) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += (i + 1 == items.size() && !numbers) ? " and " : ", ";
    text += items[i];
  }
  return text;
}

// Draws one value of `parameter` as query text and JSON value. Values used
// before in the same sentence (`used_values`) are avoided, so origin and
// destination differ.
std::pair<std::string, json> draw_value(const ParameterSpec& parameter, std::set<std::string>& used_values,
                                        std::mt19937_64& rng) {
  const std::vector<std::string>& pool =
      parameter.enum_values.empty() ? value_pools().at(parameter.pool) : parameter.enum_values;
  std::vector<std::string> free;
  for (const std::string& value : pool) {
    if (!used_values.count(value)) free.push_back(value);
  }
  if (free.empty()) free = pool;

  if (parameter.type == "array") {
    const std::size_t count = std::min<std::size_t>(free.size(), parameter.item_type == "float" ? 4 : 2);
    std::vector<std::string> items;
    json values = json::array();
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t index = draw_index(rng, free.size());
      items.push_back(free[index]);
      values.push_back(typed_value(free[index], parameter.item_type));
      used_values.insert(free[index]);
      free.erase(free.begin() + static_cast<std::ptrdiff_t>(index));
    }
    return {list_text(items, parameter.item_type == "float"), values};
  }

  const std::string& text = draw_element(rng, free);
  used_values.insert(text);
  return {text, typed_value(text, parameter.type)};
}

Instance draw_instance(std::size_t tool, std::mt19937_64& rng) {
  const ToolSpec& spec = tool_specs()[tool];
  const TemplateSpec& pattern = draw_element(rng, spec.templates);
  Instance instance{pattern.text, Call{spec.name, json::object()}, tool};

  std::set<std::string> used_values;
  for (const ParameterSpec& parameter : spec.parameters) {
    const auto implied = pattern.implied.find(parameter.name);
    if (implied != pattern.implied.end()) {
      instance.call.arguments[parameter.name] = json::parse(implied->second);
      continue;
    }
    const std::string slot = "{" + parameter.name + "}";
    const std::size_t at = instance.sentence.find(slot);
    if (at == std::string::npos) continue;

    auto [text, value] = draw_value(parameter, used_values, rng);
    instance.sentence.replace(at, slot.size(), text);
    instance.call.arguments[parameter.name] = value;
  }
  return instance;
}

// BFCL possible answer of one call: the given value for each argument, and
// "" (may be omitted) for each optional parameter the query does not set.
json acceptable_entry(const Instance& instance) {
  json parameters = json::object();
  for (const ParameterSpec& parameter : tool_specs()[instance.tool].parameters) {
    const auto argument = instance.call.arguments.find(parameter.name);
    if (argument != instance.call.arguments.end()) {
      parameters[parameter.name] = json::array({*argument});
    } else if (!parameter.required) {
      parameters[parameter.name] = json::array({""});
    }
  }
  return {{instance.call.name, parameters}};
}

std::string lower_first(std::string text) {
  // "I need ..." keeps its capital.
  if (text.size() > 1 && !(text[0] == 'I' && (text[1] == ' ' || text[1] == '\''))) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

// ---------------------------------------------------------------------------
// Records.

// Query length and canonical gold length the generator aims below, so that a
// record fits a small byte-level model's context and output windows.
constexpr std::size_t kMaxQueryChars = 160;
constexpr std::size_t kMaxGoldBytes = 200;
constexpr int kDrawAttempts = 30;

std::vector<std::size_t> distractors(const std::vector<std::size_t>& used, std::size_t count,
                                     std::mt19937_64& rng) {
  std::vector<std::size_t> others;
  for (std::size_t i = 0; i < tool_specs().size(); ++i) {
    if (std::find(used.begin(), used.end(), i) == used.end()) others.push_back(i);
  }
  std::vector<std::size_t> chosen;
  for (std::size_t k = 0; k < count && !others.empty(); ++k) {
    const std::size_t index = draw_index(rng, others.size());
    chosen.push_back(others[index]);
    others.erase(others.begin() + static_cast<std::ptrdiff_t>(index));
  }
  return chosen;
}

Record draw_record(const std::string& category, std::mt19937_64& rng) {
  const std::size_t tool_count = tool_specs().size();
  const bool parallel = category == "synthetic_parallel";

  std::vector<Instance> instances = {draw_instance(draw_index(rng, tool_count), rng)};
  if (parallel) {
    // Half of the parallel records call the same tool twice.
    const std::size_t second = draw_unit(rng) < 0.5 ? instances[0].tool : draw_index(rng, tool_count);
    instances.push_back(draw_instance(second, rng));
  }

  Record record;
  record.category = category;
  static const std::vector<std::string> kConnectors = {" Also, ", " Then ", " And "};
  record.query = instances[0].sentence;
  if (parallel) record.query += draw_element(rng, kConnectors) + lower_first(instances[1].sentence);

  CallList gold;
  json acceptable = json::array();
  std::vector<std::size_t> used;
  for (const Instance& instance : instances) {
    gold.push_back(instance.call);
    acceptable.push_back(acceptable_entry(instance));
    if (std::find(used.begin(), used.end(), instance.tool) == used.end()) used.push_back(instance.tool);
  }
  record.gold = gold;
  record.acceptable = acceptable;

  // 2 to 4 tools: simple has one distractor, multiple two or three.
  std::size_t extra = 1;
  if (category == "synthetic_multiple") extra = 2 + draw_index(rng, 2);
  if (parallel) {
    const std::size_t fewest = used.size() < 2 ? 2 - used.size() : 0;
    extra = fewest + draw_index(rng, 4 - used.size() - fewest + 1);
  }
  std::vector<std::size_t> tools = used;
  for (const std::size_t other : distractors(used, extra, rng)) tools.push_back(other);
  for (std::size_t i = tools.size(); i > 1; --i) std::swap(tools[i - 1], tools[draw_index(rng, i)]);

  record.tools = json::array();
  for (const std::size_t tool : tools) record.tools.push_back(tool_definitions()[tool]);
  return record;
}

std::string draw_category(std::mt19937_64& rng) {
  const double roll = draw_unit(rng);
  if (roll < 0.4) return "synthetic_simple";
  if (roll < 0.75) return "synthetic_multiple";
  return "synthetic_parallel";
}

bool fits(const Record& record) {
  return record.query.size() < kMaxQueryChars && render_canonical(*record.gold).size() < kMaxGoldBytes;
}

// Draws records of one split. Queries in `seen` are not repeated, so dev
// records differ from training records.
std::vector<Record> draw_split(const std::string& split, int count, std::uint64_t seed,
                               std::set<std::string>& seen) {
  std::seed_seq seeds{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(split == "train" ? 1 : 2)};
  std::mt19937_64 rng(seeds);

  std::vector<Record> records;
  for (int n = 0; n < count; ++n) {
    const std::string category = draw_category(rng);
    Record record = draw_record(category, rng);
    for (int attempt = 1; attempt < kDrawAttempts && (!fits(record) || seen.count(record.query)); ++attempt) {
      record = draw_record(category, rng);
    }
    // NOTE: after kDrawAttempts the last draw is kept even if it repeats a
    // query or is long; with these templates that is rare.
    seen.insert(record.query);
    record.split = split;
    record.id = "synthetic_" + split + "_" + std::to_string(n);
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

std::vector<Record> generate_default_records(const GeneratorOptions& options) {
  if (options.train_records < 0 || options.dev_records < 0) {
    throw std::invalid_argument("generator: record counts must be >= 0, got train_records " +
                                std::to_string(options.train_records) + ", dev_records " +
                                std::to_string(options.dev_records));
  }
  std::set<std::string> seen;
  std::vector<Record> records = draw_split("train", options.train_records, options.seed, seen);
  std::vector<Record> dev = draw_split("dev", options.dev_records, options.seed, seen);
  records.insert(records.end(), std::make_move_iterator(dev.begin()), std::make_move_iterator(dev.end()));
  return records;
}

}  // namespace trm::tasks::function_call
