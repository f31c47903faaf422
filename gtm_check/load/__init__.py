"""Loading: files on disk to validated models, with every problem located in the file."""
