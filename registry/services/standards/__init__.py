"""Service standards tables (HSYS): generated from approved services, published as versions."""
