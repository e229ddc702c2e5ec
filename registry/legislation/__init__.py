"""KMS: legislation as a graph of basis, amendment and repeal links, with change impact."""
