// Decimal over Boost.Multiprecision cpp_dec_float<34> (decimal.h). The Boost
// number lives in the object's own storage; every operation converts through
// these two helpers. Pure; thread-safe.
#include "expr/decimal.h"

#include <boost/multiprecision/cpp_dec_float.hpp>
#include <cctype>
#include <new>

namespace bpmn::expr {
namespace {

namespace mp = boost::multiprecision;
using Number = mp::number<mp::cpp_dec_float<34>, mp::et_off>;
static_assert(sizeof(Number) <= 48, "Decimal storage too small");
static_assert(alignof(Number) <= 8, "Decimal storage misaligned");

Number& N(unsigned char* s) {
  return *std::launder(reinterpret_cast<Number*>(s));
}
const Number& N(const unsigned char* s) {
  return *std::launder(reinterpret_cast<const Number*>(s));
}

}  // namespace

struct DecimalStorage {
  static Number& Of(Decimal& d) { return N(d.storage_); }
};

namespace {
Decimal Make(const Number& n) {
  Decimal d;
  DecimalStorage::Of(d) = n;
  return d;
}
}  // namespace

Decimal::Decimal() { new (storage_) Number(0); }
Decimal::Decimal(std::int64_t value) { new (storage_) Number(value); }
Decimal::Decimal(const Decimal& other) {
  new (storage_) Number(N(other.storage_));
}
Decimal& Decimal::operator=(const Decimal& other) {
  N(storage_) = N(other.storage_);
  return *this;
}
Decimal::Decimal(Decimal&& other) noexcept {
  new (storage_) Number(std::move(N(other.storage_)));
}
Decimal& Decimal::operator=(Decimal&& other) noexcept {
  N(storage_) = std::move(N(other.storage_));
  return *this;
}
Decimal::~Decimal() { N(storage_).~Number(); }

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  // Validate the shape ourselves: Boost accepts more (spaces, "inf", "nan").
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
    ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
      ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
      ++i, ++exp_digits;
    if (exp_digits == 0 || exp_digits > 6) return std::nullopt;
  }
  if (i != text.size() || text.size() > 200) return std::nullopt;
  try {
    return Make(Number(std::string(text)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string Decimal::ToString() const {
  const Number& n = N(storage_);
  if (!mp::isfinite(n)) return "null";  // Values never hold these (value.h)
  if (n.is_zero()) return "0";
  // Scientific text with all 34 digits, then placed by hand: no exponent in
  // ordinary ranges.
  std::string sci =
      n.str(33, std::ios_base::scientific);  // 34 significant digits
  bool negative = sci[0] == '-';
  std::size_t start = negative ? 1 : 0;
  std::size_t e = sci.find('e');
  std::string mantissa = sci.substr(start, e - start);
  long exponent = std::stol(sci.substr(e + 1));
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exponent >= 34 || exponent < -34) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += "E" + std::to_string(exponent);
  } else if (exponent >= 0) {
    std::size_t int_len = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= int_len) {
      out = digits + std::string(int_len - digits.size(), '0');
    } else {
      out = digits.substr(0, int_len) + "." + digits.substr(int_len);
    }
  } else {
    out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') +
          digits;
  }
  return negative ? "-" + out : out;
}

std::optional<std::int64_t> Decimal::ToInt64() const {
  const Number& n = N(storage_);
  if (!IsFinite() || !IsInteger()) return std::nullopt;
  static const Number kMax(INT64_MAX), kMin(INT64_MIN);
  if (n > kMax || n < kMin) return std::nullopt;
  return n.convert_to<std::int64_t>();
}

double Decimal::ToDouble() const { return N(storage_).convert_to<double>(); }
bool Decimal::IsFinite() const { return mp::isfinite(N(storage_)); }
bool Decimal::IsZero() const { return N(storage_).is_zero(); }
bool Decimal::IsNegative() const { return N(storage_).sign() < 0; }
bool Decimal::IsInteger() const {
  const Number& n = N(storage_);
  return mp::trunc(n) == n;
}

Decimal Decimal::operator-() const { return Make(-N(storage_)); }
Decimal operator+(const Decimal& a, const Decimal& b) {
  return Make(N(a.storage_) + N(b.storage_));
}
Decimal operator-(const Decimal& a, const Decimal& b) {
  return Make(N(a.storage_) - N(b.storage_));
}
Decimal operator*(const Decimal& a, const Decimal& b) {
  return Make(N(a.storage_) * N(b.storage_));
}
Decimal operator/(const Decimal& a, const Decimal& b) {
  // Rounded to 34 significant digits, as decimal128 does, so that 1 / 3 * 3 is
  // not 1.
  Number q = N(a.storage_) / N(b.storage_);
  return Make(Number(q.str(33, std::ios_base::scientific)));
}
int Compare(const Decimal& a, const Decimal& b) {
  return N(a.storage_).compare(N(b.storage_));
}

Decimal Decimal::Round(std::int64_t scale, Rounding mode) const {
  if (scale > 40) scale = 40;
  if (scale < -40) scale = -40;
  const Number& n = N(storage_);
  Number factor = mp::pow(Number(10), static_cast<int>(scale));
  Number scaled = n * factor;
  Number whole = mp::floor(scaled);
  Number fraction = scaled - whole;  // in [0, 1)
  Number half("0.5");
  Number result;
  switch (mode) {
    case Rounding::kFloor:
      result = whole;
      break;
    case Rounding::kCeiling:
      result = fraction.is_zero() ? whole : whole + 1;
      break;
    case Rounding::kDown:
      result = mp::trunc(scaled);
      break;
    case Rounding::kUp:
      result =
          fraction.is_zero() ? scaled : (scaled.sign() < 0 ? whole : whole + 1);
      break;
    case Rounding::kHalfUp:  // ties away from zero
      if (fraction == half) {
        result = scaled.sign() < 0 ? whole : whole + 1;
      } else {
        result = fraction < half ? whole : whole + 1;
      }
      break;
    case Rounding::kHalfDown:  // ties toward zero
      if (fraction == half) {
        result = scaled.sign() < 0 ? whole + 1 : whole;
      } else {
        result = fraction < half ? whole : whole + 1;
      }
      break;
    case Rounding::kHalfEven:
      if (fraction == half) {
        result = mp::fmod(whole, Number(2)).is_zero() ? whole : whole + 1;
      } else {
        result = fraction < half ? whole : whole + 1;
      }
      break;
  }
  return Make(result / factor);
}

std::optional<Decimal> Decimal::Pow(const Decimal& exponent) const {
  auto e = exponent.ToInt64();
  const Number& n = N(storage_);
  if (!e || *e > 999999 || *e < -999999) return std::nullopt;
  if (n.is_zero() && *e < 0) return std::nullopt;
  return Make(mp::pow(n, static_cast<int>(*e)));
}

Decimal Decimal::Sqrt() const { return Make(mp::sqrt(N(storage_))); }

Decimal Decimal::Modulo(const Decimal& divisor) const {
  const Number& a = N(storage_);
  const Number& b = N(divisor.storage_);
  return Make(a - b * mp::floor(a / b));
}

}  // namespace bpmn::expr
