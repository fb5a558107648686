"""Collection: profiles (``collectors/``), schedulers and parsers turning device output into records."""
