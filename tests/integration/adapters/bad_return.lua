-- An adapter file that returns nothing useful.
return 7
