//! Content-addressed file storage under the data folder.
