#include <cctype>

#include "words.hpp"

// Lower-cased counts, so "Wasm" and "wasm" are one word.
std::map<std::string, int> count_words(const std::vector<std::string> &words)
{
	std::map<std::string, int> m;
	for (auto w : words) {
		for (auto &ch : w)
			ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
		++m[w];
	}
	return m;
}
