// cpp: counts the words given as arguments with std::map, prints them
// sorted by count then name, joined by $SEP (default ": ").  Exits with the
// number of distinct words.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "words.hpp"

int main(int argc, char **argv)
{
	const char *sep = std::getenv("SEP");
	std::vector<std::string> words(argv + 1, argv + argc);
	auto counts = count_words(words);
	std::vector<std::pair<std::string, int>> order(counts.begin(), counts.end());

	std::stable_sort(order.begin(), order.end(),
			 [](const auto &a, const auto &b) { return a.second > b.second; });
	for (const auto &[word, n] : order)
		std::cout << word << (sep ? sep : ": ") << n << '\n';
	return static_cast<int>(counts.size());
}
