# The CSV tables in R (base R only): each city's population, and how many answers it gave.
base <- "http://127.0.0.1:5000/dumps/"
profiles <- read.csv(paste0(base, "profiles.csv"), encoding = "UTF-8")
answers <- read.csv(paste0(base, "answers.csv"), encoding = "UTF-8")

print(profiles[, c("city_name", "wave", "population")], row.names = FALSE)
given <- merge(aggregate(option ~ profile, data = answers, FUN = length),
               profiles[, c("profile", "city_name")])
print(given[, c("city_name", "option")], row.names = FALSE)
