//! Helpers of the end-to-end suite.
