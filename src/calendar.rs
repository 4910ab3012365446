//! Calendar dates, for the runtime table and the `as_of` setting.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl CalendarDate {
    pub fn new(year: i32, month: u32, day: u32) -> Result<Self> {
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => bail!("month {month} does not exist"),
        };
        if day == 0 || day > days_in_month {
            bail!("day {day} does not exist in month {month} of {year}");
        }
        Ok(Self { year, month, day })
    }

    /// Today in UTC.
    pub fn today() -> Self {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        Self::from_days_since_epoch((seconds / 86_400) as i64)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's days-to-civil algorithm).
    fn from_days_since_epoch(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        } as u32;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }
}

impl FromStr for CalendarDate {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [year, month, day] = parts.as_slice() else {
            bail!("`{text}` is not a date of the form YYYY-MM-DD");
        };
        let number = |part: &str| {
            part.parse::<u32>()
                .with_context(|| format!("`{text}` is not a date of the form YYYY-MM-DD"))
        };
        Self::new(number(year)? as i32, number(month)?, number(day)?)
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_days_since_epoch() {
        assert_eq!(CalendarDate::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(CalendarDate::from_days_since_epoch(20_421).to_string(), "2025-11-29");
        assert_eq!(CalendarDate::from_days_since_epoch(11_016).to_string(), "2000-02-29");
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            "2027-03-03".parse::<CalendarDate>().expect("valid").to_string(),
            "2027-03-03"
        );
        assert!("2027-02-30".parse::<CalendarDate>().is_err());
        assert!("tomorrow".parse::<CalendarDate>().is_err());
    }
}
