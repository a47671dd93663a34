# loader/: the mmld command (issues 3 and 4)
loader:
