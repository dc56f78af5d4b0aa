//! Tables for people that fit the terminal: cells wrap at spaces, a word too long for
//! any width its column can have is cut short with `…`, and no word is ever split
//! across lines (`adm` / `in1` reads as two words).
//!
//! comfy-table draws and wraps; this module only decides how wide each column may be,
//! so that comfy-table never has to break a word.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};

use crate::ui::escape::for_terminal;

/// The narrowest a column is squeezed to, its longer words cut (`recep…`). When the
/// columns do not fit even so, each row is shown as a table of its own, one line a
/// column, rather than as slivers no one can read.
const MIN_COLUMN: usize = 6;
/// Below this, a "width" is a terminal that reports none (a fresh pseudo-terminal
/// says 0): the table is drawn at its natural width.
const MIN_TERMINAL: u16 = 20;

/// Rows (and an optional header) of plain text.
#[derive(Debug, Default)]
pub struct PeopleTable {
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
    /// Columns whose words are never cut (an action's name, a policy's): the others
    /// give up their width first.
    whole: Vec<usize>,
}

impl PeopleTable {
    pub fn new() -> Self {
        PeopleTable::default()
    }

    pub fn header<S: Into<String>>(mut self, cells: impl IntoIterator<Item = S>) -> Self {
        self.header = Some(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Column `i`'s words are never cut short: the other columns narrow instead (and
    /// if they cannot, each row is drawn apart).
    pub fn keep_whole(mut self, i: usize) -> Self {
        self.whole.push(i);
        self
    }

    /// A row; every cell is escaped for the terminal (see `ui::escape`), so no value
    /// can rewrite the screen or split the row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.into_iter().map(|c| for_terminal(&c).into_owned()).collect());
    }

    /// Drawn for the terminal on stdout, if it has a width.
    pub fn render(self) -> String {
        let width = Table::new().width();
        self.render_at(width)
    }

    /// Drawn to fit `width` columns (`None`: as wide as it takes).
    pub fn render_at(self, width: Option<u16>) -> String {
        let columns = self
            .header
            .as_ref()
            .map_or(0, Vec::len)
            .max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let available = width
            .filter(|w| *w >= MIN_TERMINAL)
            .map(|w| usize::from(w).saturating_sub(3 * columns + 1));
        let mut table = Table::new();
        table.load_style(UTF8_FULL_CONDENSED);
        let mut constraints = Vec::new();
        let (header, rows) = match available {
            Some(available) if natural_width(&self, columns) > available => {
                let Some(caps) = caps(&self, columns, available) else {
                    return self.render_rows_apart(width);
                };
                table.set_content_arrangement(ContentArrangement::Dynamic);
                if let Some(width) = width {
                    table.set_width(width);
                }
                let whole = &self.whole;
                // Applied once the columns exist (comfy-table makes them from the
                // rows; constraints set before would be dropped).
                constraints = caps
                    .iter()
                    .enumerate()
                    .map(|(i, cap)| {
                        // comfy-table's widths count the cell's padding, one each side.
                        let cap = Width::Fixed(u16::try_from(*cap + 2).unwrap_or(u16::MAX));
                        // A column kept whole is exactly as wide as its longest word.
                        if whole.contains(&i) {
                            ColumnConstraint::Absolute(cap)
                        } else {
                            ColumnConstraint::LowerBoundary(cap)
                        }
                    })
                    .collect();
                let cut = |cells: Vec<String>| -> Vec<String> {
                    cells.into_iter().zip(&caps).map(|(c, cap)| cut_words(&c, *cap)).collect()
                };
                (self.header.map(cut), self.rows.into_iter().map(cut).collect())
            }
            _ => (self.header, self.rows),
        };
        if let Some(header) = header {
            table.set_header(header);
        }
        for row in rows {
            table.add_row(row);
        }
        table.set_constraints(constraints);
        table.to_string()
    }
}

impl PeopleTable {
    /// Each row as a two-column table of its own (column name, value), for a terminal
    /// too narrow for the columns side by side.
    fn render_rows_apart(self, width: Option<u16>) -> String {
        let header = self.header.unwrap_or_default();
        let blocks: Vec<String> = self
            .rows
            .into_iter()
            .map(|row| {
                let mut block = PeopleTable::new();
                for (i, cell) in row.into_iter().enumerate() {
                    block.row(vec![header.get(i).cloned().unwrap_or_default(), cell]);
                }
                block.render_at(width)
            })
            .collect();
        blocks.join("\n")
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Every cell of column `i`, the header's too.
fn column(table: &PeopleTable, i: usize) -> impl Iterator<Item = &str> {
    table.header.iter().chain(&table.rows).filter_map(move |row| row.get(i)).map(String::as_str)
}

/// The widths of the columns were nothing wrapped.
fn natural_width(table: &PeopleTable, columns: usize) -> usize {
    (0..columns).map(|i| column(table, i).flat_map(str::lines).map(chars).max().unwrap_or(0)).sum()
}

/// How wide each column may be at least: its longest word, squeezed (the widest
/// first) until the columns fit `available`; `None` if they cannot.
fn caps(table: &PeopleTable, columns: usize, available: usize) -> Option<Vec<usize>> {
    let mut caps: Vec<usize> = (0..columns)
        .map(|i| column(table, i).flat_map(str::split_whitespace).map(chars).max().unwrap_or(1))
        .collect();
    while caps.iter().sum::<usize>() > available {
        let widest = (0..columns)
            .filter(|i| caps[*i] > MIN_COLUMN && !table.whole.contains(i))
            .max_by_key(|i| caps[*i])?;
        caps[widest] -= 1;
    }
    Some(caps)
}

/// `cell` with every word longer than `cap` cut to `cap` characters, the last a `…`.
fn cut_words(cell: &str, cap: usize) -> String {
    let cut = |word: &str| -> String {
        if chars(word) <= cap {
            word.to_owned()
        } else {
            word.chars().take(cap.saturating_sub(1)).chain(['…']).collect()
        }
    };
    cell.lines()
        .map(|line| line.split(' ').map(cut).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> PeopleTable {
        let mut t = PeopleTable::new().header([
            "username",
            "name",
            "role",
            "2FA policy",
            "required",
            "enrolled",
            "locked",
        ]);
        for (user, name, role, policy) in [
            ("admin1", "Dr Alexandra Montgomery-Smythe", "admin", "clinic-default"),
            ("receptionist.front-desk", "Sam Lee", "staff", "exempt"),
        ] {
            t.row(
                [user, name, role, policy, "yes", "no", "until 2026-11-27 18:00 +01:00"]
                    .map(str::to_owned)
                    .to_vec(),
            );
        }
        t
    }

    /// The words of every cell as drawn.
    fn drawn_words(drawn: &str) -> Vec<String> {
        drawn
            .lines()
            .flat_map(|line| line.split(['│', '┆']).map(str::to_owned).collect::<Vec<_>>())
            .flat_map(|cell| cell.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .filter(|w| !w.chars().all(|c| "─┼╪═├┤┌┐└┘┬┴╞╡╤╧".contains(c)))
            .collect()
    }

    #[test]
    fn a_column_kept_whole_is_never_cut_the_others_give_way() {
        for width in 60..=100 {
            let drawn = accounts().keep_whole(3).render_at(Some(width));
            assert!(drawn.contains("clinic-default"), "at {width}:\n{drawn}");
            assert!(
                drawn.lines().all(|l| l.chars().count() <= usize::from(width)),
                "at {width}:\n{drawn}"
            );
        }
        // Without it, the widest words are the first to be cut.
        assert!(!accounts().render_at(Some(70)).contains("clinic-default"));
    }

    #[test]
    fn at_any_width_a_word_is_whole_or_cut_with_an_ellipsis_never_split() {
        let input_words: Vec<String> = {
            let t = accounts();
            t.header
                .iter()
                .chain(&t.rows)
                .flatten()
                .flat_map(|c| c.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                .collect()
        };
        for width in [40u16, 50, 60, 80, 120] {
            let drawn = accounts().render_at(Some(width));
            for line in drawn.lines() {
                assert!(chars(line) <= usize::from(width), "wider than {width}:\n{drawn}");
            }
            for word in drawn_words(&drawn) {
                let whole = input_words.contains(&word);
                let cut = word.strip_suffix('…').is_some_and(|start| {
                    input_words.iter().any(|w| w.starts_with(start) && w != start)
                });
                assert!(whole || cut, "{word:?} at {width} columns:\n{drawn}");
            }
        }
    }

    #[test]
    fn too_narrow_for_the_columns_each_row_is_shown_as_its_own_table() {
        let drawn = accounts().render_at(Some(40));
        assert!(drawn.contains("│ username   ┆ receptionist.front-desk │"), "{drawn}");
        assert!(drawn.contains("│ 2FA policy ┆ clinic-default"), "{drawn}");
        assert!(!drawn.contains('…'), "nothing needs cutting here:\n{drawn}");
    }

    #[test]
    fn a_table_that_fits_is_left_whole_and_no_width_means_natural_width() {
        let drawn = accounts().render_at(Some(200));
        assert!(drawn.contains("Dr Alexandra Montgomery-Smythe") && !drawn.contains('…'));
        assert_eq!(accounts().render_at(None), accounts().render_at(Some(0)));
        assert!(accounts().render_at(None).contains("receptionist.front-desk"));
    }
}
