// Decimal: an exact decimal number with 34 significant digits (the precision of
// IEEE decimal128, which FEEL prescribes), so 0.1 + 0.2 is 0.3 and money never
// rounds silently. A thin value wrapper over Boost.Multiprecision's
// cpp_dec_float, kept out of this header so that no Boost type leaks into other
// modules. Plain value type; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bpmn::expr {

class Decimal {
 public:
  Decimal();                    // zero
  Decimal(std::int64_t value);  // NOLINT: implicit, numbers read naturally
  Decimal(const Decimal& other);
  Decimal& operator=(const Decimal& other);
  // Moves copy a fixed-size number and cannot throw; being noexcept, they let
  // vectors of values (and of events holding them) grow by moving.
  Decimal(Decimal&& other) noexcept;
  Decimal& operator=(Decimal&& other) noexcept;
  ~Decimal();

  // Decimal text: "-12", "0.5", ".5", "1.5e3". Nothing else (no spaces, no
  // hex).
  static std::optional<Decimal> Parse(std::string_view text);

  // Shortest exact text: "3", "0.3", "-1.25", "12345678901234567890"; no
  // exponent unless the magnitude is beyond 1e34 or below 1e-34.
  std::string ToString() const;
  // The value when it is a whole number that fits; nothing otherwise.
  std::optional<std::int64_t> ToInt64() const;
  double ToDouble() const;

  // False after an overflow (1e6000000 * 1e6000000) or an undefined operation.
  bool IsFinite() const;
  bool IsZero() const;
  bool IsNegative() const;
  bool IsInteger() const;

  Decimal operator-() const;
  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  // Division by zero is the caller's to check (FEEL gives null).
  friend Decimal operator/(const Decimal& a, const Decimal& b);
  friend int Compare(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) {
    return Compare(a, b) == 0;
  }
  friend bool operator<(const Decimal& a, const Decimal& b) {
    return Compare(a, b) < 0;
  }

  // Rounding to `scale` digits after the point.
  enum class Rounding {
    kHalfEven,
    kHalfUp,
    kHalfDown,
    kUp,
    kDown,
    kFloor,
    kCeiling
  };
  Decimal Round(std::int64_t scale, Rounding mode) const;
  // Power with a whole exponent (|exponent| <= 999999); nothing when undefined
  // (0 ** -1).
  std::optional<Decimal> Pow(const Decimal& exponent) const;
  Decimal Sqrt() const;
  // FEEL modulo: the result has the sign of the divisor.
  Decimal Modulo(const Decimal& divisor) const;

 private:
  friend struct DecimalStorage;  // decimal.cc's access to the Boost number
  alignas(8) unsigned char storage_[48];
};

}  // namespace bpmn::expr
