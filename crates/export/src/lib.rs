//! Report documents as plain data — titled tables of typed cells and at most one chart — the
//! conversion of every reporting answer into one, and the three ways a document is written: CSV
//! (UTF-8 with a byte-order mark, RFC 4180), an Office Open XML workbook with one sheet per table,
//! and plain text for a terminal. One document per report, so that a file and `partyctl` say the
//! same thing under the same Vietnamese labels.
//!
//! # Layout
//! - this file: [`render`], which writes a document in a file format.
//! - [`document`]: the document model ([`Document`], [`Table`], [`Cell`], [`Chart`]) and the
//!   file formats.
//! - [`reports`]: each `reporting.v1` answer as a [`Document`], with its Vietnamese labels.
//! - [`csv`]: the CSV writer.
//! - [`xlsx`]: the XLSX writer, over `rust_xlsxwriter`.
//! - [`terminal`]: the text writer `partyctl` prints.
//!
//! Owns: what a report's document contains and how it is laid out in each format. Does not own:
//! computing or authorising a report (the reporting service), nor how a file travels (streaming,
//! file names on disk).

pub mod csv;
pub mod document;
pub mod reports;
pub mod terminal;
pub mod xlsx;

pub use document::{
    Cell, Chart, ChartKind, ChartSeries, Date, Document, Format, Layout, SUPPRESSED_LABEL, Table,
};
pub use xlsx::{ExportError, MAX_SHEET_NAME_CHARS, sheet_names};

/// Writes `document` in `format`. The whole file is built in memory, so a failure never leaves
/// part of a file behind.
pub fn render(document: &Document, format: Format) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Csv => Ok(csv::write(document)),
        Format::Xlsx => xlsx::write(document),
    }
}
