"""The public site in Turkish, server-rendered, working without JavaScript: the shell (``site``)
and the pages that cross contexts (``browse``)."""
