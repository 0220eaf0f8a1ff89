//! The typed values of condition operators, read by one rule.
//!
//! In: a value's text, as a policy or a request writes it. Out: the number, the instant (epoch
//! milliseconds) or the network it names, or `None` where IAM would not read it as one; and the
//! inverse formats the engine writes its requests with. What `check` refuses
//! ([`super::operators::value_problem`]) and what the engine compares (`reason::condition`) both
//! read values here, so a value the check passes is the value the engine reasons about, and a
//! value it refuses is one the engine calls unknown. Source: IAM User Guide, "Condition
//! operators" (numbers; dates in "one of the W3C implementations of the ISO 8601 date formats"
//! or epoch time; IPv4 and IPv6 addresses and CIDR ranges, RFC 4632).

use std::net::IpAddr;

/// A number as the `Numeric...` operators read it: a finite decimal, optionally signed, with a
/// fraction and an exponent, white space around it ignored.
pub fn parse_number(text: &str) -> Option<f64> {
    // `f64`'s reading also takes `inf` and `NaN`, which no policy means as a number.
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Milliseconds since the Unix epoch of a value of the `Date...` operators: whole epoch seconds,
/// or `YYYY-MM-DD` naming a real day, optionally followed by `Thh:mm[:ss[.fff...]]` and `Z` or
/// `±hh:mm`. Hours run to 23, minutes and seconds to 59.
pub fn parse_date(text: &str) -> Option<i64> {
    if !text.is_empty() && text.bytes().all(|c| c.is_ascii_digit()) {
        return text.parse::<i64>().ok()?.checked_mul(1000);
    }
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year = digits(parts.next(), 4, 9999)?;
    let month = digits(parts.next(), 2, 12)?;
    let day = digits(parts.next(), 2, 31)?;
    if parts.next().is_some() || month == 0 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let midnight = days_from_civil(year, month, day) * 86_400_000;
    let Some(time) = time else {
        return Some(midnight);
    };
    let (clock, zone) = time.split_at(time.find(['Z', '+', '-']).unwrap_or(time.len()));
    let offset_minutes = match zone.as_bytes().first() {
        None => 0,
        Some(b'Z') if zone.len() == 1 => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let mut p = zone[1..].split(':');
            let minutes = digits(p.next(), 2, 23)? * 60 + digits(p.next(), 2, 59)?;
            if p.next().is_some() {
                return None;
            }
            if sign == b'+' {
                minutes
            } else {
                -minutes
            }
        }
        Some(_) => return None,
    };
    let mut p = clock.split(':');
    let hour = digits(p.next(), 2, 23)?;
    let minute = digits(p.next(), 2, 59)?;
    let millis = match p.next() {
        None => 0,
        Some(s) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
            let seconds = digits(Some(whole), 2, 59)?;
            if fraction.is_empty() || !fraction.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            // Finer than a millisecond rounds to the nearest one.
            let fraction: f64 = format!("0.{fraction}").parse().ok()?;
            seconds * 1000 + (fraction * 1000.0).round() as i64
        }
    };
    if p.next().is_some() {
        return None;
    }
    Some(midnight + (hour * 3600 + minute * 60 - offset_minutes * 60) * 1000 + millis)
}

/// A field of exactly `width` ASCII digits no greater than `max`.
fn digits(part: Option<&str>, width: usize, max: i64) -> Option<i64> {
    part.filter(|p| p.len() == width && p.bytes().all(|c| c.is_ascii_digit()))
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|n| *n <= max)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Epoch milliseconds as ISO 8601 UTC, the inverse of [`parse_date`].
pub fn format_date(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    if milli == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
    }
}

/// An IPv4 or IPv6 network; an address is a network with a full-length prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    pub v6: bool,
    pub addr: u128,
    pub prefix: u32,
}

impl Net {
    /// The address's width in bits: 32 or 128.
    fn width(&self) -> u32 {
        if self.v6 {
            128
        } else {
            32
        }
    }

    fn mask(&self) -> u128 {
        let w = self.width();
        if self.prefix == 0 {
            0
        } else {
            (u128::MAX << (128 - self.prefix)) >> (128 - w)
        }
    }

    pub fn first(&self) -> u128 {
        self.addr & self.mask()
    }

    pub fn last(&self) -> u128 {
        self.first() | (self.max() & !self.mask())
    }

    /// The highest address of the family.
    pub fn max(&self) -> u128 {
        if self.v6 {
            u128::MAX
        } else {
            u32::MAX as u128
        }
    }

    /// Whether `other` lies inside this network (both of one family).
    pub fn contains(&self, other: &Net) -> bool {
        self.v6 == other.v6 && (other.addr & self.mask()) == self.first()
    }
}

/// A value of the `IpAddress` operators: an IPv4 or IPv6 address, optionally with a prefix
/// length of plain digits no longer than the address (`/33` is refused).
pub fn parse_cidr(text: &str) -> Option<Net> {
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let (v6, addr) = match address.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => (false, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (true, u128::from(v6)),
    };
    let width = if v6 { 128 } else { 32 };
    let prefix = match prefix {
        None => width,
        // `u32`'s reading also takes a leading `+`, which is no prefix length.
        Some(p) if !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) => {
            p.parse::<u32>().ok().filter(|n| *n <= width)?
        }
        Some(_) => return None,
    };
    Some(Net { v6, addr, prefix })
}

/// An address as IAM writes it, the inverse of [`parse_cidr`] without a prefix.
pub fn format_ip(v6: bool, addr: u128) -> String {
    if v6 {
        std::net::Ipv6Addr::from(addr).to_string()
    } else {
        std::net::Ipv4Addr::from(addr as u32).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_name_real_days_and_times() {
        let day = 86_400_000;
        assert_eq!(parse_date("1970-01-02"), Some(day));
        assert_eq!(parse_date("86400"), Some(day));
        assert_eq!(parse_date("1970-01-02T00:00:00Z"), Some(day));
        assert_eq!(parse_date("1970-01-02T02:00:00+02:00"), Some(day));
        assert_eq!(parse_date("1970-01-01T22:00-02:00"), Some(day));
        assert_eq!(parse_date("1970-01-02T00:00:00.25Z"), Some(day + 250));
        assert_eq!(
            parse_date("2028-02-29"),
            parse_date("2028-03-01").map(|t| t - day)
        );
        for bad in [
            "2027-02-29",
            "2027-04-31",
            "2027-13-01",
            "2027-00-10",
            "2027-1-01",
            "2027-01-01T24:00:00Z",
            "2027-01-01T00:60Z",
            "2027-01-01T00:00:60Z",
            "2027-01-01T00:00:00.Z",
            "2027-01-01T00:00:00+8:00",
            "2027-01-01T00:00:00+02:00:00",
            "2027-01-01T00:00:00ZZ",
            "2027-01-01T",
            " 2027-01-01",
            "1717200000.5",
            "99999999999999999999",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_round_trip() {
        for ms in [0, 1_717_243_200_123, -86_400_000, 253_402_300_799_000] {
            assert_eq!(parse_date(&format_date(ms)), Some(ms), "{ms}");
        }
    }

    #[test]
    fn numbers_are_finite_decimals() {
        assert_eq!(parse_number(" 5 "), Some(5.0));
        assert_eq!(parse_number("-1.5e3"), Some(-1500.0));
        for bad in ["", "ten", "inf", "NaN", "1e999", "0x10"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn networks_have_prefixes_in_range() {
        let net = parse_cidr("10.1.0.0/16").unwrap();
        assert!(net.contains(&parse_cidr("10.1.255.3").unwrap()));
        assert!(!net.contains(&parse_cidr("10.2.0.0").unwrap()));
        assert!(!net.contains(&parse_cidr("::a01:3").unwrap()));
        assert_eq!(parse_cidr("2001:db8::/32").map(|n| n.v6), Some(true));
        assert_eq!(
            parse_cidr("0.0.0.0/0").map(|n| n.last()),
            Some(u32::MAX as u128)
        );
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/+8",
            "10.0.0.0/",
            " 10.0.0.0/8",
            "2001:db8::/abc",
            "abc",
        ] {
            assert_eq!(parse_cidr(bad), None, "{bad}");
        }
        assert_eq!(
            format_ip(false, parse_cidr("203.0.113.7").unwrap().addr),
            "203.0.113.7"
        );
    }
}
