"""Higher-education diplomas (SISE codes, InserSup's figures): their page, their page in one school, their embed,
badge and exports (issue 25). The URLs are those of the formations (`/formations/<code>/`): a 7-character code is a
SISE one, served here (`urls.SiseConverter`)."""
