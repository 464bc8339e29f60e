//! Publication moments: a point in time with the offset the adviser wrote it in.

use std::fmt;

use toml::value::{Datetime, Offset};

use crate::kit::Lang;

/// A moment in time, kept with the UTC offset it was written with so that it can be shown in
/// the adviser's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix: i64,
    /// The offset from UTC in minutes, as written in the kit (or, with a time zone, the zone's
    /// offset at that moment).
    pub offset_minutes: i32,
    /// The kit's time zone (IANA name), when it has one: the moment is then shown in it.
    pub zone: Option<&'static str>,
}

/// A kit's `timezone`: the zone and its (interned) name.
#[derive(Debug, Clone)]
pub struct Zone {
    /// The IANA name, e.g. `Europe/Amsterdam`.
    pub name: &'static str,
    tz: jiff::tz::TimeZone,
}

impl Zone {
    /// The zone with this IANA name, from the database compiled into partnerkit.
    pub fn get(name: &str) -> Option<Zone> {
        let tz = jiff::tz::TimeZone::get(name).ok()?;
        Some(Zone {
            name: intern(name),
            tz,
        })
    }

    /// The offset of this zone at `unix`, in minutes.
    fn offset_at(&self, unix: i64) -> i32 {
        jiff::Timestamp::from_second(unix)
            .map(|t| self.tz.to_offset(t).seconds() / 60)
            .unwrap_or(0)
    }
}

/// Zone names live as long as the program; a kit names one, so this keeps at most a handful.
fn intern(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(n) = names.iter().find(|n| **n == name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.push(leaked);
    leaked
}

/// Why a TOML datetime is not a moment.
#[derive(Debug, PartialEq, Eq)]
pub enum MomentError {
    /// A date without a time, or a time without a date.
    Incomplete,
    /// A local date-time without a UTC offset: ambiguous between partners in time zones.
    NoOffset,
    /// Outside 1980–2107 (what zip files and calendars hold), or an offset beyond ±14:00.
    OutOfRange,
}

/// The first and last year a moment may fall in: zip timestamps hold 1980 to 2107, and a
/// campaign outside that range is a typing error.
pub const YEARS: std::ops::RangeInclusive<i64> = 1980..=2107;

impl Moment {
    /// Converts a TOML offset date-time.
    pub fn from_toml(dt: &Datetime) -> Result<Moment, MomentError> {
        Self::from_toml_in(dt, None)
    }

    /// Converts a TOML date-time; with the kit's time `zone`, one without an offset is local
    /// time there (summer time included), and every moment is shown in that zone.
    pub fn from_toml_in(dt: &Datetime, zone: Option<&Zone>) -> Result<Moment, MomentError> {
        let (Some(date), Some(time)) = (dt.date, dt.time) else {
            return Err(MomentError::Incomplete);
        };
        let offset_minutes = match (dt.offset, zone) {
            (Some(Offset::Z), _) => 0,
            (Some(Offset::Custom { minutes }), _) => i32::from(minutes),
            (None, Some(z)) => {
                let civil = jiff::civil::DateTime::new(
                    date.year as i16,
                    date.month as i8,
                    date.day as i8,
                    time.hour as i8,
                    time.minute as i8,
                    time.second.unwrap_or(0) as i8,
                    0,
                )
                .map_err(|_| MomentError::OutOfRange)?;
                let zoned = civil
                    .to_zoned(z.tz.clone())
                    .map_err(|_| MomentError::OutOfRange)?;
                zoned.offset().seconds() / 60
            }
            (None, None) => return Err(MomentError::NoOffset),
        };
        if offset_minutes.abs() > 14 * 60 {
            return Err(MomentError::OutOfRange);
        }
        let days = days_from_civil(
            i64::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        );
        let secs = i64::from(time.hour) * 3600
            + i64::from(time.minute) * 60
            + i64::from(time.second.unwrap_or(0));
        let unix = days * 86_400 + secs - i64::from(offset_minutes) * 60;
        let m = Moment {
            unix,
            offset_minutes: zone.map_or(offset_minutes, |z| z.offset_at(unix)),
            zone: zone.map(|z| z.name),
        };
        if !YEARS.contains(&m.utc().0) || !YEARS.contains(&m.local().0) {
            return Err(MomentError::OutOfRange);
        }
        Ok(m)
    }

    /// Civil date and time in the moment's own offset: (year, month, day, hour, minute, second).
    pub fn local(&self) -> (i64, u32, u32, u32, u32, u32) {
        civil(self.unix + i64::from(self.offset_minutes) * 60)
    }

    /// Civil date and time in UTC.
    pub fn utc(&self) -> (i64, u32, u32, u32, u32, u32) {
        civil(self.unix)
    }

    /// RFC 3339 in the written offset, e.g. `2026-03-02T09:00:00+01:00`.
    pub fn rfc3339(&self) -> String {
        let (y, mo, d, h, mi, s) = self.local();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}",
            self.offset_label(":")
        )
    }

    /// iCalendar UTC form, e.g. `20260302T080000Z`.
    pub fn ical_utc(&self) -> String {
        let (y, mo, d, h, mi, s) = self.utc();
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }

    fn offset_label(&self, sep: &str) -> String {
        if self.offset_minutes == 0 {
            return "Z".to_string();
        }
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let m = self.offset_minutes.abs();
        format!("{sign}{:02}{sep}{:02}", m / 60, m % 60)
    }

    /// A readable local date and time in the kit's language, e.g. `maandag 2 maart 2026,
    /// 9.00 uur (Nederlandse tijd)` or `Monday 2 March 2026, 09:00 (UTC+01:00)`.
    pub fn human(&self, lang: Lang) -> String {
        let (y, mo, d, h, mi, _) = self.local();
        let weekday = weekday(self.unix + i64::from(self.offset_minutes) * 60);
        let zone = match (self.zone, lang) {
            (Some("Europe/Amsterdam"), Lang::Nl) => "Nederlandse tijd".to_string(),
            (Some("Europe/Amsterdam"), Lang::En) => "Dutch time".to_string(),
            (Some(z), Lang::Nl) => format!("tijd in {z}"),
            (Some(z), Lang::En) => format!("{z} time"),
            (None, _) if self.offset_minutes == 0 => "UTC".to_string(),
            (None, _) => format!("UTC{}", self.offset_label(":")),
        };
        match lang {
            Lang::Nl => {
                const DAYS: [&str; 7] = [
                    "maandag",
                    "dinsdag",
                    "woensdag",
                    "donderdag",
                    "vrijdag",
                    "zaterdag",
                    "zondag",
                ];
                const MONTHS: [&str; 12] = [
                    "januari",
                    "februari",
                    "maart",
                    "april",
                    "mei",
                    "juni",
                    "juli",
                    "augustus",
                    "september",
                    "oktober",
                    "november",
                    "december",
                ];
                format!(
                    "{} {d} {} {y}, {h}.{mi:02} uur ({zone})",
                    DAYS[weekday],
                    MONTHS[mo as usize - 1]
                )
            }
            Lang::En => {
                const DAYS: [&str; 7] = [
                    "Monday",
                    "Tuesday",
                    "Wednesday",
                    "Thursday",
                    "Friday",
                    "Saturday",
                    "Sunday",
                ];
                const MONTHS: [&str; 12] = [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ];
                format!(
                    "{} {d} {} {y}, {h:02}:{mi:02} ({zone})",
                    DAYS[weekday],
                    MONTHS[mo as usize - 1]
                )
            }
        }
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil(unix: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs % 3600 / 60) as u32,
        (secs % 60) as u32,
    )
}

/// 0 = Monday.
fn weekday(local_unix: i64) -> usize {
    // 1970-01-01 was a Thursday (3).
    (local_unix.div_euclid(86_400) + 3).rem_euclid(7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moment(s: &str) -> Moment {
        Moment::from_toml(&s.parse::<Datetime>().unwrap()).unwrap()
    }

    #[test]
    fn converts_offsets_to_utc() {
        let m = moment("2026-03-02T09:00:00+01:00");
        assert_eq!(m.unix, 1_772_438_400);
        assert_eq!(m.ical_utc(), "20260302T080000Z");
        assert_eq!(m.rfc3339(), "2026-03-02T09:00:00+01:00");
        assert_eq!(
            m.human(Lang::Nl),
            "maandag 2 maart 2026, 9.00 uur (UTC+01:00)"
        );
        assert_eq!(m.human(Lang::En), "Monday 2 March 2026, 09:00 (UTC+01:00)");
    }

    #[test]
    fn rejects_local_times() {
        assert_eq!(
            Moment::from_toml(&"2026-03-02T09:00:00".parse().unwrap()),
            Err(MomentError::NoOffset)
        );
        assert_eq!(
            Moment::from_toml(&"2026-03-02".parse().unwrap()),
            Err(MomentError::Incomplete)
        );
        for bad in [
            "1979-12-31T23:00:00Z",
            "2107-12-31T23:00:00-05:00",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-03-02T09:00:00+23:59",
        ] {
            assert_eq!(
                Moment::from_toml(&bad.parse().unwrap()),
                Err(MomentError::OutOfRange),
                "{bad}"
            );
        }
    }

    #[test]
    fn round_trips_civil_dates() {
        for unix in [0, 951_782_400, 1_772_438_400, 4_102_444_800] {
            let (y, m, d, h, mi, s) = civil(unix);
            assert_eq!(
                days_from_civil(y, m, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s),
                unix
            );
        }
    }

    #[test]
    fn local_times_in_the_kits_zone_follow_summer_time() {
        let zone = Zone::get("Europe/Amsterdam").unwrap();
        let parse = |s: &str| {
            let dt: Datetime = s.parse().unwrap();
            Moment::from_toml_in(&dt, Some(&zone)).unwrap()
        };
        let winter = parse("2026-03-02T09:00:00");
        assert_eq!(winter.offset_minutes, 60);
        assert_eq!(winter.unix, 1_772_438_400);
        assert_eq!(
            winter.human(Lang::Nl),
            "maandag 2 maart 2026, 9.00 uur (Nederlandse tijd)"
        );
        let summer = parse("2026-07-02T11:00:00");
        assert_eq!(summer.offset_minutes, 120);
        assert_eq!(
            summer.human(Lang::En),
            "Thursday 2 July 2026, 11:00 (Dutch time)"
        );
        // An offset written out still counts, and the moment is shown in the zone.
        let written = parse("2026-07-02T09:00:00Z");
        assert_eq!(
            written.human(Lang::Nl),
            "donderdag 2 juli 2026, 11.00 uur (Nederlandse tijd)"
        );
        assert!(Zone::get("Europe/Amsterdm").is_none());
        // Without a zone, a time without an offset stays ambiguous.
        let dt: Datetime = "2026-03-02T09:00:00".parse().unwrap();
        assert_eq!(Moment::from_toml(&dt), Err(MomentError::NoOffset));
    }
}
