//! The coverage matrix: for every operation, each documented error, each constrained
//! input member and each documented behaviour, the cases that cover it.

mod matrix;
mod render;

pub use matrix::{matrix, matrix_of, Matrix, Row, TopicKind};
pub use render::{markdown, terminal};
